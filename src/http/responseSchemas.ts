// What the API answers, as zod schemas: the OpenAPI document's response schemas (each with an
// `id` becomes a named component, so a generated client has a type per shape) and, for the small
// answers, the check fastify's serializer makes on the way out. The large reads (plan state,
// report, history) are documented in full but not re-parsed per request (see `unchecked`); the
// API tests validate every answer against the document instead (test/support/openApiCheck.ts).
import { z } from 'zod'
import { GRID_NARRATIVE_SECTIONS } from '../domain/events.js'
import { ROLES } from '../domain/roles.js'
import { PROGRESS_STATUSES, RAGS } from '../domain/values/types.js'

const INSTANT = '2008-07-12T09:30:00.000Z'
/** An instant and a calendar date as answered (meetingSchemas.ts and auditSchemas.ts use them too). */
export const instantOut = z.string().meta({ format: 'date-time', example: INSTANT })
export const dateOut = z.string().meta({ format: 'date', example: '2008-06-30' })
export const rag = z.enum(RAGS as [string, ...string[]]).meta({ id: 'Rag', description: 'A RAG rating' })
const progressStatus = z.enum(PROGRESS_STATUSES as [string, ...string[]]).meta({ id: 'ProgressStatus', description: 'Where an action stands' })
const version = z.number().int().min(0).meta({ description: "The plan's version after the command (also its ETag)", example: 6 })
const role = z.enum(ROLES).meta({ id: 'Role' })

/** Response schemas the serializer sends as they are (documented, not parsed per request). */
const uncheckedSchemas = new WeakSet<object>()
export function isUnchecked(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && uncheckedSchemas.has(schema)
}
/** Typed as unknown so a route may also answer CSV, XLSX or HTML for it. */
function unchecked(schema: z.ZodType): z.ZodType<unknown> {
  uncheckedSchemas.add(schema)
  return schema as z.ZodType<unknown>
}

export const Due = z.object({
  text: z.string().meta({ description: 'The words as written', example: 'Qtr 2' }),
  from: dateOut.nullable().meta({ description: 'First day of the period the words name; null where not derivable' }),
  to: dateOut.nullable().meta({ description: 'Last day of that period; null where not derivable' }),
}).meta({ id: 'Due', description: '"By when" as written, and the period it names' })

export const Money = z.object({
  text: z.string().meta({ example: '£4,400' }),
  pence: z.number().int().nullable().meta({ description: 'null where the words hold no amount', example: 440000 }),
}).meta({ id: 'Money', description: 'An amount as written, and in integer pence' })

export const ActorRef = z.object({
  tokenId: z.string().nullable(),
  role,
  label: z.string().nullable(),
}).meta({ id: 'Actor', description: 'Who recorded an event' })

const ProgressState = z.object({
  status: progressStatus.nullable(),
  percentComplete: z.number().int().min(0).max(100).nullable(),
  note: z.string(),
  furtherAction: z.string().nullable(),
  effectiveDate: dateOut,
  recordedAt: instantOut,
}).meta({ id: 'Progress', description: 'The latest progress effective by the read date' })

const ActionState = z.object({
  id: z.string(),
  number: z.string().nullable().meta({ example: '1.1' }),
  text: z.string(),
  due: Due,
  owners: z.array(z.string()).meta({ example: ['CNWL', 'DM'] }),
  cost: Money,
  rag: rag.nullable(),
  ragDecision: z.object({ rag, effectiveDate: dateOut, reason: z.string().nullable(), actor: ActorRef, recordedAt: instantOut })
    .nullable()
    .meta({ description: 'The rating in force and who set it' }),
  proposedRag: z.object({ rag, reason: z.string().nullable(), actor: ActorRef, recordedAt: instantOut })
    .nullable()
    .meta({ description: "A provider's proposal waiting for a commissioner" }),
  progress: ProgressState.nullable(),
  suggestedRag: z.object({ rag, basis: z.string().meta({ description: 'Why, in words: the figures compared and the rule applied' }) })
    .nullable()
    .meta({ description: 'A hint from percentComplete against the share of time elapsed to due.to (null where either is unknown); never replaces rag' }),
}).meta({ id: 'Action' })

const ObjectiveState = z.object({
  id: z.string(),
  number: z.string().nullable(),
  text: z.string(),
  outcomes: z.array(z.string()),
  actions: z.array(ActionState),
}).meta({ id: 'Objective' })

const BudgetLine = z.object({
  label: z.string(),
  plannedLastYear: Money.nullable(),
  likelyLastYear: Money.nullable(),
  plannedThisYear: Money.nullable(),
}).meta({ id: 'BudgetLine' })

const GridState = z.object({
  id: z.string(),
  number: z.number().int(),
  title: z.string(),
  objectives: z.array(ObjectiveState),
  narratives: z.array(z.object({ section: z.enum(GRID_NARRATIVE_SECTIONS), text: z.string() })),
  selfAssessment: z.array(z.object({ statement: z.string(), rag })),
  budget: z.array(BudgetLine).nullable().meta({ description: 'The latest recorded budget lines' }),
}).meta({ id: 'Grid' })

export const PlanState = unchecked(
  z.object({
    id: z.string(),
    partnership: z.string().meta({ example: 'Ealing DAAT' }),
    year: z.string().meta({ example: '2008/09' }),
    title: z.string(),
    published: dateOut.nullable().meta({ description: 'When the plan document says it was published (YYYY-MM-DD), or null' }),
    version: z.number().int().meta({ description: "How many of the plan's events were recorded at or before asOf" }),
    asOf: instantOut,
    effectiveOn: dateOut,
    grids: z.array(GridState),
    budget: z.array(BudgetLine).optional().meta({ description: "The plan's own budget lines (a budget summary's rows that name no grid), present once recorded" }),
  }).meta({ id: 'PlanState', description: 'The plan as recorded at asOf and effective on effectiveOn' }),
)

const ReportRow = z.object({
  gridNumber: z.number().int(),
  objectiveNumber: z.string().nullable(),
  actionId: z.string(),
  actionNumber: z.string().nullable(),
  action: z.string(),
  byWhen: z.string(),
  byWhom: z.string().meta({ description: 'Owners joined with ", "', example: 'CNWL, DM' }),
  rag: rag.nullable(),
  status: progressStatus.nullable(),
  progressToDate: z.string().nullable(),
  furtherAction: z.string().nullable(),
  effectiveDate: dateOut.nullable(),
}).meta({ id: 'ReportRow', description: 'One action as it stood at the quarter end' })

export const QuarterlyReport = unchecked(
  z.object({
    planId: z.string(),
    year: z.string(),
    quarter: z.object({ number: z.number().int().min(1).max(4), from: dateOut, to: dateOut }),
    asOf: instantOut,
    partnership: z.string(),
    title: z.string(),
    rows: z.array(ReportRow),
  }).meta({ id: 'QuarterlyReport', description: "The quarter's report table, one row per action" }),
)

export const HistoryEntry = z.object({
  position: z.number().int().min(1).meta({ description: "The event's position in the plan's stream" }),
  type: z.string().meta({ description: 'The event type, past tense (PlanCreated, ProgressReported, RagSet, …); new types may appear', example: 'ProgressReported' }),
  recordedAt: instantOut,
  effectiveDate: dateOut.optional(),
  actor: ActorRef,
  planId: z.string(),
  gridId: z.string().optional(),
  objectiveId: z.string().optional(),
  actionId: z.string().optional(),
  data: z.record(z.string(), z.unknown()).meta({ description: "The event's own fields" }),
}).meta({ id: 'HistoryEntry', description: 'One recorded event' })

export const HistoryPage = unchecked(
  z.object({
    items: z.array(HistoryEntry),
    next: z.number().int().optional().meta({ description: 'Pass as `after` for the next page; present only when more entries follow' }),
  }).meta({ id: 'HistoryPage' }),
)

// ---- command answers -------------------------------------------------------------------------

export const GridAnswer = z.object({ id: z.string(), number: z.number().int(), title: z.string(), version }).meta({ id: 'GridAdded' })
export const ObjectiveAnswer = z.object({
  id: z.string(),
  gridId: z.string(),
  number: z.string().nullable(),
  text: z.string(),
  outcomes: z.array(z.string()),
  version,
}).meta({ id: 'ObjectiveAdded' })
export const ActionAnswer = z.object({
  id: z.string(),
  objectiveId: z.string(),
  gridId: z.string(),
  number: z.string().nullable(),
  text: z.string(),
  due: Due,
  owners: z.array(z.string()),
  cost: Money,
  version,
}).meta({ id: 'ActionAdded' })
export const RevisionAnswer = z.object({
  id: z.string(),
  changed: z.literal(false).optional().meta({ description: 'Present when the revision changed nothing' }),
  gridId: z.string().optional(),
  objectiveId: z.string().optional(),
  actionId: z.string().optional(),
  changes: z.record(z.string(), z.unknown()).optional().meta({ description: 'The fields that changed, with their new values' }),
  version,
}).meta({ id: 'Revision' })
export const OwnerAnswer = z.object({ actionId: z.string(), owner: z.string(), changed: z.boolean(), version }).meta({ id: 'OwnerAssignment' })
export const ProgressRecorded = z.object({ eventId: z.string(), recordedAt: instantOut, version }).meta({ id: 'ProgressRecorded' })
export const RagAnswer = z.object({
  actionId: z.string(),
  rag,
  effectiveDate: dateOut,
  reason: z.string().nullable(),
  eventId: z.string(),
  recordedAt: instantOut,
  version,
}).meta({ id: 'RagSet' })
export const RagProposalAnswer = z.object({
  actionId: z.string(),
  proposedRag: z.object({ rag, effectiveDate: dateOut, reason: z.string().nullable(), recordedAt: instantOut }),
  eventId: z.string(),
  version,
}).meta({ id: 'RagProposed', description: "A provider's rating, recorded as a proposal" })

export const ImportAnswer = z.object({
  planId: z.string(),
  counts: z.object({ grids: z.number().int(), objectives: z.number().int(), actions: z.number().int() }),
  warnings: z.array(z.string()),
  plan: z.record(z.string(), z.unknown()).optional().meta({ description: 'With dryRun=true: the parsed plan in the plan-state shape without ids' }),
  recognised: z
    .array(z.object({
      at: z.string().meta({ description: 'Where in the document: "line 12", or "table 2, row 4" in a Word document', example: 'line 12' }),
      element: z.enum(['partnership', 'year', 'title', 'published', 'grid', 'objective', 'outcome', 'table', 'column', 'action', 'label', 'budget', 'progress', 'self-assessment', 'narrative', 'left out']),
      rule: z.string().meta({ description: 'The rule that recognised it, in words: the heading word and number, each column\'s role by header or by content, the table row', example: 'grid heading: "SECTION" with a number in letter ("A") and "–"' }),
    }))
    .optional()
    .meta({ description: 'With dryRun=true: each recognised element (the header\'s partnership, year, title and publication date, grid and objective headings, tables and each of their columns, action rows and the label lines filling them, budget rows, grid narratives, tables left out) and the rule that recognised it' }),
}).meta({ id: 'ImportResult' })

export const ServiceStatus = z.object({ status: z.string().meta({ example: 'ok' }) }).meta({ id: 'ServiceStatus' })

export const BulkProgressRecorded = z.object({
  items: z.array(z.object({ eventId: z.string(), recordedAt: instantOut })).meta({ description: 'One per item, in the order sent' }),
  version,
}).meta({ id: 'BulkProgressRecorded' })
