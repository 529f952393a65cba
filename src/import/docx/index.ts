// Word (.docx) import: the same ParsedPlan the text importer makes, with each value's place in
// the document. `DOCX_TASK` is the worker task (task.ts) the app runs off the main thread.
// The reader itself (parseDocx: mammoth, yauzl) is not loaded here: it runs in the worker.
export { DOCX_MEDIA_TYPE, looksLikeZip } from './mediaType.js'
export type { DocxParseResult } from './parseDocx.js'
export { MAX_DOCX_BYTES, DOCX_WORKER_BUDGET } from './limits.js'
export { DocxRefusedError } from './refusal.js'
export { attachSources, type DocxLocation, type PlanSources, type ActionSources } from './sources.js'

/** The worker module that runs parseDocx: a .ts file under tsx, .js when built. */
export const DOCX_TASK = new URL(`./task${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)
