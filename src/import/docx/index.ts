// Word (.docx) import: the same ParsedPlan the text importer makes, with each value's place in
// the document. The worker task (task.ts, `DOCX_TASK` in ../offThread.ts) runs it off the main
// thread; the reader itself (parseDocx: mammoth, yauzl) is not loaded here: it runs in the worker.
export { DOCX_MEDIA_TYPE, looksLikeZip } from './mediaType.js'
export type { DocxParseResult } from './parseDocx.js'
export type { DocxTaskInput } from './task.js'
export { MAX_DOCX_BYTES } from './limits.js'
export { DocxRefusedError } from './refusal.js'
export { attachSources, type DocxLocation, type PlanSources, type ActionSources } from './sources.js'
