// Request and response schemas of the monitoring meeting routes and the RAG proposal verdicts.
import { z } from 'zod'
import { MAX_OWNERS_PER_ACTION, MAX_SHORT_TEXT, MAX_TEXT } from '../domain/limits.js'
import { MAX_ATTENDEES } from '../domain/plan/parseMeetingCommand.js'
import { PROGRESS_STATUSES } from '../domain/values/types.js'
import { ActorRef as actor, dateOut, HistoryEntry, instantOut, rag } from './responseSchemas.js'
import { calendarDate, Id } from './schemas.js'

const words = (max: number) => z.string().trim().min(1, 'must not be empty').max(max)

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
  date: dateOut.meta({ description: 'The day the meeting is held' }),
  title: z.string().meta({ example: 'Q1 contract monitoring: CNWL' }),
  owners: z.array(z.string()).meta({ description: 'The providers in scope; none = the whole plan', example: ['CNWL'] }),
  attendees: z.array(z.string()).meta({ example: ['Commissioning manager', 'CNWL service manager'] }),
  status: z.enum(['open', 'closed']),
  notes: z.string().nullable(),
  recordedAt: instantOut,
  closedAt: instantOut.nullable(),
}).meta({ id: 'Meeting', description: 'A contract monitoring meeting' })
export const MeetingList = z.object({ items: z.array(Meeting) }).meta({ id: 'MeetingList' })

const progressValue = z.object({
  status: z.enum(PROGRESS_STATUSES as [string, ...string[]]).nullable(),
  percentComplete: z.number().int().nullable(),
  note: z.string(),
  furtherAction: z.string().nullable(),
  effectiveDate: dateOut,
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
  proposedRag: z.object({ rag, reason: z.string().nullable(), actor, recordedAt: instantOut }).nullable(),
  suggestedRag: z.object({ rag, basis: z.string() }).nullable(),
  progress: progressValue.extend({ recordedAt: instantOut }).nullable(),
  since: z.array(HistoryEntry).meta({ description: "The action's entries since the previous meeting" }),
  flags: z.array(z.enum(['overdue', 'red', 'proposal', 'no-update', 'due-soon'])).meta({ example: ['overdue', 'proposal'] }),
}).meta({ id: 'AgendaItem', description: 'An action in the meeting\'s scope, with what the meeting should look at' })

export const MeetingDetail = Meeting.extend({ agenda: z.array(AgendaItem), decisions: z.array(HistoryEntry) }).meta({ id: 'MeetingDetail', description: 'A meeting with its agenda and the decisions recorded at it' })

const decisionValue = z.union([progressValue, rag, z.null()])
export const Minutes = z.object({
  plan: z.object({ id: z.string(), partnership: z.string(), year: z.string(), title: z.string() }),
  meeting: Meeting,
  attendees: z.array(z.string()),
  decisions: z.array(z.object({
    position: z.number().int(),
    type: z.string().meta({ example: 'RagSet' }),
    recordedAt: instantOut,
    effectiveDate: dateOut,
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
}).meta({ id: 'Minutes', description: 'Minutes as JSON; format=html is one self-contained page, format=docx a Word document' })

const version = z.number().int().meta({ description: "The plan's version after the command (also its ETag)", example: 6 })
const decided = { actionId: z.string(), effectiveDate: dateOut, reason: z.string().nullable(), meetingId: z.string().nullable(), eventId: z.string(), recordedAt: instantOut, version }
export const ProposalAccepted = z.object({ ...decided, rag }).meta({ id: 'RagProposalAccepted', description: "The provider's proposed rating, now the RAG" })
export const ProposalRejected = z.object({ ...decided, rejectedRag: rag }).meta({ id: 'RagProposalRejected', description: 'The proposal closed; the RAG stays' })
export const MeetingClosed = Meeting.pick({ id: true, planId: true, date: true, status: true, notes: true }).extend({ closedAt: instantOut, version }).meta({ id: 'MeetingClosed' })
