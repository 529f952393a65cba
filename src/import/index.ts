// The importer's public API: plan document text → ParsedPlan (+ warnings) → plan commands.
export { parsePlanDocument, parsePlanLines } from './parsePlanDocument.js'
export type { SourceLine } from './sourceLines.js'
export { planCommands, importEffectiveDates, type PlanCommandOptions } from './planCommands.js'
export { MAX_DOCUMENT_BYTES } from './limits.js'
export type {
  ImportWarning,
  ParsedAction,
  ParsedGrid,
  ParsedNarrative,
  ParsedObjective,
  ParsedPlan,
  ParsedProgress,
  ParsedSelfAssessment,
  ParseResult,
} from './types.js'
