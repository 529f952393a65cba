// Request and response schemas of the monitoring meeting routes and the RAG proposal verdicts.
import { z } from 'zod'
import { MAX_OWNERS_PER_ACTION, MAX_SHORT_TEXT, MAX_TEXT } from '../domain/limits.js'
import { MAX_ATTENDEES } from '../domain/plan/parseMeetingCommand.js'
import { PROGRESS_STATUSES, RAGS } from '../domain/values/types.js'
import { calendarDate, Id } from './schemas.js'

const words = (max: number) => z.string().trim().min(1, 'must not be empty').max(max)
const rag = z.enum(RAGS as [string, ...string[]])
const actor = z.object({ tokenId: z.string().nullable(), role: z.string(), label: z.string().nullable() })

export const MeetingParams = z.strictObject({ planId: Id, meetingId: Id })

export const CreateMeeting = z.strictObject({
  date: calendarDate,
  title: z.string().max(MAX_SHORT_TEXT).optional(),
  owners: z.array(words(MAX_SHORT_TEXT)).max(MAX_OWNERS_PER_ACTION).optional().meta({ description: 'the providers in scope; none = the whole plan' }),
  attendees: z.array(words(MAX_SHORT_TEXT)).max(MAX_ATTENDEES).optional(),
})
export const CloseMeeting = z.strictObject({ notes: z.string().max(MAX_TEXT).optional() }).optional()
export const AcceptRagProposal = z.strictObject({ meetingId: Id.optional(), reason: z.string().max(MAX_TEXT).optional(), effectiveDate: calendarDate.optional() })
export const RejectRagProposal = z.strictObject({ reason: words(MAX_TEXT), meetingId: Id.optional(), effectiveDate: calendarDate.optional() })
export const MinutesQuery = z.strictObject({ format: z.enum(['json', 'html', 'docx']).optional() })

export const Meeting = z.object({
  id: z.string(),
  planId: z.string(),
  date: z.string(),
  title: z.string(),
  owners: z.array(z.string()),
  attendees: z.array(z.string()),
  status: z.enum(['open', 'closed']),
  notes: z.string().nullable(),
  recordedAt: z.string(),
  closedAt: z.string().nullable(),
})
export const MeetingList = z.object({ items: z.array(Meeting) })

export const HistoryEntry = z.object({
  position: z.number().int(),
  type: z.string(),
  recordedAt: z.string(),
  effectiveDate: z.string().optional(),
  actor,
  planId: z.string(),
  gridId: z.string().optional(),
  objectiveId: z.string().optional(),
  actionId: z.string().optional(),
  data: z.record(z.string(), z.unknown()),
})

const progressValue = z.object({
  status: z.enum(PROGRESS_STATUSES as [string, ...string[]]).nullable(),
  percentComplete: z.number().int().nullable(),
  note: z.string(),
  furtherAction: z.string().nullable(),
  effectiveDate: z.string(),
})

export const AgendaItem = z.object({
  actionId: z.string(),
  gridNumber: z.number().int(),
  gridTitle: z.string(),
  objectiveNumber: z.string().nullable(),
  actionNumber: z.string().nullable(),
  action: z.string(),
  byWhen: z.string(),
  byWhom: z.string(),
  rag: rag.nullable(),
  proposedRag: z.object({ rag, reason: z.string().nullable(), actor, recordedAt: z.string() }).nullable(),
  suggestedRag: z.object({ rag, basis: z.string() }).nullable(),
  progress: progressValue.extend({ recordedAt: z.string() }).nullable(),
  since: z.array(HistoryEntry),
  flags: z.array(z.enum(['overdue', 'red', 'proposal', 'no-update', 'due-soon'])),
})

export const MeetingDetail = Meeting.extend({ agenda: z.array(AgendaItem), decisions: z.array(HistoryEntry) })

const decisionValue = z.union([progressValue, rag, z.null()])
export const Minutes = z.object({
  plan: z.object({ id: z.string(), partnership: z.string(), year: z.string(), title: z.string() }),
  meeting: Meeting,
  attendees: z.array(z.string()),
  decisions: z.array(z.object({
    position: z.number().int(),
    type: z.string(),
    recordedAt: z.string(),
    effectiveDate: z.string(),
    actor,
    actionId: z.string(),
    gridNumber: z.number().int().nullable(),
    objectiveNumber: z.string().nullable(),
    actionNumber: z.string().nullable(),
    action: z.string().nullable(),
    field: z.enum(['progress', 'rag', 'proposedRag']),
    before: decisionValue,
    after: decisionValue,
    reason: z.string().nullable(),
    acceptsProposal: z.boolean(),
  })),
  notDiscussed: z.array(AgendaItem.pick({ actionId: true, gridNumber: true, objectiveNumber: true, actionNumber: true, action: true, byWhom: true, rag: true, flags: true })),
}).meta({ description: 'Minutes as JSON; format=html is one self-contained page, format=docx a Word document' })

const decided = { actionId: z.string(), effectiveDate: z.string(), reason: z.string().nullable(), meetingId: z.string().nullable(), eventId: z.string(), recordedAt: z.string(), version: z.number().int() }
export const ProposalAccepted = z.object({ ...decided, rag })
export const ProposalRejected = z.object({ ...decided, rejectedRag: rag })
export const MeetingClosed = Meeting.pick({ id: true, planId: true, date: true, status: true, notes: true }).extend({ closedAt: z.string(), version: z.number().int() })
