// The importer's public API: plan document text → ParsedPlan (+ warnings) → plan commands.
export { parsePlanDocument, parsePlanLines } from './parsePlanDocument.js'
export type { SourceLine } from './sourceLines.js'
export { planCommands, importEffectiveDates, type PlanCommandOptions } from './planCommands.js'
export { MAX_DOCUMENT_BYTES } from './limits.js'
export { DEFAULT_IMPORT_BUDGET_MS, DOCX_TASK, IMPORT_WORKER_MEMORY, TEXT_TASK } from './offThread.js'
export type { TextTaskInput } from './textTask.js'
export { parseProfile, type ImportProfile } from './profile.js'
export type {
  ImportWarning,
  ParsedAction,
  ParsedGrid,
  ParsedNarrative,
  ParsedObjective,
  ParsedPlan,
  ParsedProgress,
  ParsedSelfAssessment,
  ParseOptions,
  ParseProgress,
  ParseResult,
  RecognisedAt,
  Recognition,
} from './types.js'
