// What the app needs to read documents off the main thread: the worker task modules (a .ts file
// under tsx, .js when built) and what one reading worker may use. The time budget is the
// deployment's (GRIDLEDGER_IMPORT_BUDGET_MS), the same for text and Word documents.
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'

/** Reads a plan document's text (textTask.ts). */
export const TEXT_TASK = new URL(`./textTask${ext}`, import.meta.url)
/** Reads a Word document (docx/task.ts); the module loads mammoth and yauzl only in the worker. */
export const DOCX_TASK = new URL(`./docx/task${ext}`, import.meta.url)

/** Default time one document may take to read. Real plans take a small fraction of it. */
export const DEFAULT_IMPORT_BUDGET_MS = 20_000

/** Heap of one reading worker: a 5 MiB text or a 20 MiB Word file needs far less; a hostile one is stopped here. */
export const IMPORT_WORKER_MEMORY = { maxOldGenerationSizeMb: 384, maxYoungGenerationSizeMb: 48 } as const
