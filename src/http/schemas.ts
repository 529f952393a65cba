// Request and response schemas: the single source for validation, TypeScript types and the
// OpenAPI document. Objects are strict: unknown fields are refused (400).
import { z } from 'zod'
import { MAX_GRID_NUMBER, MAX_ITEM_NUMBER, MAX_OUTCOMES, MAX_OWNERS_PER_ACTION, MAX_OWNERS_PER_TOKEN, MAX_PARTNERSHIPS_PER_TOKEN, MAX_SHORT_TEXT, MAX_TEXT } from '../domain/limits.js'
import { ROLES } from '../domain/roles.js'
import { isCalendarDate } from '../domain/values/calendarDate.js'
import { PROGRESS_STATUSES, RAGS } from '../domain/values/types.js'

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max)
const optionalText = (max: number) => z.string().max(max)
export const calendarDate = z
  .string()
  .refine(isCalendarDate, 'must be a real calendar date as YYYY-MM-DD')
  .meta({ format: 'date', example: '2008-06-30' })
export const instant = z.iso.datetime({ offset: true }).meta({ example: '2008-07-12T09:30:00.000Z' })
const itemNumber = z.string().trim().max(MAX_ITEM_NUMBER).nullable()
const ragSchema = z.enum(RAGS as [string, ...string[]])
const ownerLabel = text(MAX_SHORT_TEXT)

export const Id = z.string().min(1).max(100).regex(/^[A-Za-z0-9._~-]+$/, 'must be an id')

export const PlanParams = z.strictObject({ planId: Id })
export const GridParams = z.strictObject({ planId: Id, gridId: Id })
export const ObjectiveParams = z.strictObject({ planId: Id, objectiveId: Id })
export const ActionParams = z.strictObject({ planId: Id, actionId: Id })
export const OwnerParams = z.strictObject({ planId: Id, actionId: Id, owner: z.string().min(1).max(MAX_SHORT_TEXT) })
export const TokenParams = z.strictObject({ tokenId: Id })

export const CreateToken = z.strictObject({
  role: z.enum(ROLES),
  owners: z.array(ownerLabel).max(MAX_OWNERS_PER_TOKEN).optional(),
  partnerships: z.array(text(MAX_SHORT_TEXT)).max(MAX_PARTNERSHIPS_PER_TOKEN).optional().meta({ description: 'commissioner and auditor tokens: see and change only plans of these partnerships (case-insensitive); none: all' }),
  label: optionalText(MAX_SHORT_TEXT).optional(),
})
export const IssuedToken = z.object({
  id: z.string(),
  token: z.string().meta({ description: 'shown once; only its hash is stored' }),
  role: z.string(),
  owners: z.array(z.string()),
  partnerships: z.array(z.string()),
  label: z.string().nullable(),
}).meta({ id: 'IssuedToken' })

export const CreatePlan = z.strictObject({
  partnership: text(MAX_SHORT_TEXT),
  year: z.string().regex(/^\d{4}\/\d{2}$/, 'must be a financial year as YYYY/YY, e.g. "2008/09"'),
  title: optionalText(MAX_SHORT_TEXT).optional(),
  published: calendarDate.optional(),
})
export const PlanSummary = z.object({ id: z.string(), partnership: z.string(), year: z.string(), title: z.string(), version: z.number().int() }).meta({ id: 'PlanSummary' })
export const PlanList = z.object({ items: z.array(PlanSummary) }).meta({ id: 'PlanList' })

export const PlanStateQuery = z.strictObject({ asOf: instant.optional(), effectiveOn: calendarDate.optional() })

export const AddGrid = z.strictObject({ number: z.number().int().min(0).max(MAX_GRID_NUMBER), title: text(MAX_SHORT_TEXT) })
export const AddObjective = z.strictObject({ number: itemNumber.optional(), text: text(MAX_TEXT), outcomes: z.array(text(MAX_TEXT)).max(MAX_OUTCOMES).optional() })
export const ReviseObjective = z.strictObject({ number: itemNumber.optional(), text: text(MAX_TEXT).optional(), outcomes: z.array(text(MAX_TEXT)).max(MAX_OUTCOMES).optional() })
export const AddAction = z.strictObject({
  number: itemNumber.optional(),
  text: text(MAX_TEXT),
  due: optionalText(MAX_SHORT_TEXT).optional(),
  owners: z.array(ownerLabel).max(MAX_OWNERS_PER_ACTION).optional(),
  cost: optionalText(MAX_SHORT_TEXT).optional(),
})
export const ReviseAction = z.strictObject({ number: itemNumber.optional(), text: text(MAX_TEXT).optional(), due: optionalText(MAX_SHORT_TEXT).optional(), cost: optionalText(MAX_SHORT_TEXT).optional() })
export const WithdrawQuery = z.strictObject({ reason: optionalText(MAX_SHORT_TEXT).optional() })
export const AssignOwner = z.strictObject({ owner: ownerLabel })
export const ReportProgress = z.strictObject({
  /** Required unless meetingId names a meeting (its date is the default; the domain says so). */
  effectiveDate: calendarDate.optional(),
  note: text(MAX_TEXT),
  status: z.enum(PROGRESS_STATUSES as [string, ...string[]]).optional(),
  percentComplete: z.number().int().min(0).max(100).optional(),
  furtherAction: optionalText(MAX_TEXT).optional(),
  meetingId: Id.optional(),
})
export const SetRag = z.strictObject({ rag: ragSchema, effectiveDate: calendarDate.optional(), reason: optionalText(MAX_TEXT).optional(), meetingId: Id.optional() })

export const ReportQuery = z.strictObject({
  quarter: z.coerce.number().int().min(1).max(4),
  asOf: instant.optional(),
  format: z.enum(['json', 'csv', 'xlsx', 'html']).optional(),
})
export const HistoryQuery = z.strictObject({
  actionId: Id.optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  format: z.enum(['json', 'csv']).optional(),
})
export const ImportQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).optional(),
  force: z.enum(['true', 'false']).optional(),
  profile: z.string().min(1).max(64).optional().meta({ description: 'an import profile stored on the server (GRIDLEDGER_IMPORT_PROFILES_DIR/NAME.json)' }),
})

export const Integrity = z.object({
  ok: z.boolean(),
  events: z.number().int(),
  head: z.string(),
  firstBadPosition: z.number().int().optional(),
  detail: z.string().optional(),
  signoffs: z
    .array(z.object({ id: z.string(), quarter: z.number().int(), position: z.number().int(), ok: z.boolean(), detail: z.string().optional() }))
    .optional()
    .meta({ description: "each sign-off's report replayed as of its time and hashed again" }),
}).meta({ id: 'IntegrityCheck' })

// Problems may carry extension members (RFC 9457), e.g. the existing planId of a duplicate import.
export const Problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).meta({ id: 'Problem', description: 'RFC 9457 problem details; may carry extension members' })

// Answers: response schemas live in responseSchemas.ts; the old names stay for the routes.
export { PlanState as PlanStateDoc, QuarterlyReport as ReportDoc, HistoryPage as HistoryDoc, ProgressRecorded } from './responseSchemas.js'
export const NoContent = z.null().meta({ description: 'No content' })
export const NotModified = z.null().meta({ description: 'Not modified: the If-None-Match given names the current ETag' })

// Bulk progress (API.md "Provider systems"): a monthly sync as one all-or-nothing request.
export const MAX_BULK_PROGRESS_ITEMS = 500
export const BulkProgress = z.strictObject({
  items: z.array(ReportProgress.extend({ actionId: Id })).min(1).max(MAX_BULK_PROGRESS_ITEMS),
})
