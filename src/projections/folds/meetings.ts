// Contract monitoring meetings read from a plan's events: the meetings, each meeting's agenda
// (every action in its scope, what was recorded for it since the previous meeting of an
// overlapping scope, flags) and its decisions (the history entries that name it).
import type { PlanEventType } from '../../domain/events.js'
import { ownerKey } from '../../domain/values/owners.js'
import type { SuggestedRag } from '../../domain/values/suggestedRag.js'
import type { Rag } from '../../domain/values/types.js'
import type { RecordedPlanEvent } from '../recordedEvent.js'
import { historyEntry, type HistoryEntry } from './history.js'
import { actionsInOrder, type ActionState, type PlanState, type ProgressState, type ProposedRag } from './planState.js'
import { suggestedRagOf } from './suggestedRags.js'

export interface Meeting {
  id: string
  planId: string
  date: string
  title: string
  /** The providers in scope; none = the whole plan. */
  owners: string[]
  attendees: string[]
  status: 'open' | 'closed'
  notes: string | null
  recordedAt: string
  closedAt: string | null
}

/** A meeting with where it sits in the plan's stream (positions are the plan's versions). */
export interface MeetingRecord {
  meeting: Meeting
  createdPosition: number
  closedPosition: number | null
}

export type AgendaFlag = 'overdue' | 'red' | 'proposal' | 'no-update' | 'due-soon'

export interface AgendaItem {
  actionId: string
  gridNumber: number
  /** An addition to the contract's agenda item, for printed minutes. */
  gridTitle: string
  objectiveNumber: string | null
  actionNumber: string | null
  action: string
  byWhen: string
  byWhom: string
  rag: Rag | null
  proposedRag: ProposedRag | null
  suggestedRag: SuggestedRag | null
  progress: ProgressState | null
  since: HistoryEntry[]
  flags: AgendaFlag[]
}

/** Decision events: what a meeting records against actions. */
export const DECISION_TYPES: ReadonlySet<PlanEventType> = new Set(['ProgressReported', 'RagSet', 'RagProposed', 'RagProposalRejected'])
/** What counts as an update for `no-update`: progress reported, a RAG proposed or set. */
const UPDATE_TYPES: ReadonlySet<PlanEventType> = new Set(['ProgressReported', 'RagSet', 'RagProposed'])
/** `due-soon`: due within this many days of the meeting. */
export const DUE_SOON_DAYS = 31

/** Every meeting of the plan, in the order they were created. */
export function meetingRecords(events: Iterable<RecordedPlanEvent>): MeetingRecord[] {
  const records = new Map<string, MeetingRecord>()
  for (const recorded of events) {
    const event = recorded.event
    if (event.type === 'MeetingCreated') {
      const d = event.data
      records.set(d.meetingId, {
        meeting: { id: d.meetingId, planId: d.planId, date: d.date, title: d.title, owners: [...d.owners], attendees: [...d.attendees], status: 'open', notes: null, recordedAt: recorded.recordedAt, closedAt: null },
        createdPosition: recorded.version,
        closedPosition: null,
      })
    } else if (event.type === 'MeetingClosed') {
      const record = records.get(event.data.meetingId)
      if (!record) continue
      record.meeting.status = 'closed'
      record.meeting.notes = event.data.notes
      record.meeting.closedAt = recorded.recordedAt
      record.closedPosition = recorded.version
    }
  }
  return [...records.values()]
}

/** True when an action with these owners is in the meeting's scope (no meeting owners: every action). */
export function inScope(meetingOwners: string[], actionOwners: string[]): boolean {
  if (meetingOwners.length === 0) return true
  const keys = new Set(meetingOwners.map(ownerKey))
  return actionOwners.some(owner => keys.has(ownerKey(owner)))
}

function overlaps(a: Meeting, b: Meeting): boolean {
  return a.owners.length === 0 || b.owners.length === 0 || inScope(a.owners, b.owners)
}

/** The latest meeting held before this one (by date, then by creation) whose scope overlaps it. */
export function previousMeeting(records: MeetingRecord[], of: MeetingRecord): MeetingRecord | null {
  let previous: MeetingRecord | null = null
  for (const r of records) {
    if (r === of || !overlaps(r.meeting, of.meeting)) continue
    const before = r.meeting.date < of.meeting.date || (r.meeting.date === of.meeting.date && r.createdPosition < of.createdPosition)
    if (!before) continue
    if (!previous || r.meeting.date > previous.meeting.date || (r.meeting.date === previous.meeting.date && r.createdPosition > previous.createdPosition)) previous = r
  }
  return previous
}

/** The history entries naming the meeting: its decisions, in recorded order. */
export function meetingDecisions(events: Iterable<RecordedPlanEvent>, meetingId: string): HistoryEntry[] {
  const decisions: HistoryEntry[] = []
  for (const recorded of events) {
    if (DECISION_TYPES.has(recorded.event.type) && (recorded.event.data as { meetingId?: string }).meetingId === meetingId) decisions.push(historyEntry(recorded))
  }
  return decisions
}

/**
 * The agenda of a meeting on `state` (the plan as the meeting sees it): each action in scope in
 * the plan's order. `since` holds what was recorded for the action after the previous
 * overlapping meeting (after its close, or its creation while it is open) and up to this
 * meeting's close, leaving out this meeting's own decisions. Flags and the suggested RAG are
 * for the meeting's date.
 */
export function meetingAgenda(events: RecordedPlanEvent[], records: MeetingRecord[], record: MeetingRecord, state: PlanState): AgendaItem[] {
  const { meeting } = record
  const previous = previousMeeting(records, record)
  const after = previous ? (previous.closedPosition ?? previous.createdPosition) : 0
  const until = record.closedPosition ?? Number.POSITIVE_INFINITY
  const sinceByAction = new Map<string, HistoryEntry[]>()
  for (const recorded of events) {
    if (recorded.version <= after || recorded.version > until) continue
    const data = recorded.event.data as { actionId?: string; meetingId?: string }
    if (data.actionId === undefined || data.meetingId === meeting.id) continue
    let list = sinceByAction.get(data.actionId)
    if (!list) sinceByAction.set(data.actionId, (list = []))
    list.push(historyEntry(recorded))
  }
  const items: AgendaItem[] = []
  for (const { grid, objective, action } of actionsInOrder(state)) {
    if (!inScope(meeting.owners, action.owners)) continue
    const since = sinceByAction.get(action.id) ?? []
    items.push({
      actionId: action.id,
      gridNumber: grid.number,
      gridTitle: grid.title,
      objectiveNumber: objective.number,
      actionNumber: action.number,
      action: action.text,
      byWhen: action.due.text,
      byWhom: action.owners.join(', '),
      rag: action.rag,
      proposedRag: action.proposedRag,
      suggestedRag: suggestedRagOf(action, state.year, meeting.date),
      progress: action.progress,
      since,
      flags: agendaFlags(action, since, meeting.date),
    })
  }
  return items
}

function agendaFlags(action: ActionState, since: HistoryEntry[], date: string): AgendaFlag[] {
  const flags: AgendaFlag[] = []
  const done = action.progress?.status === 'completed'
  const dueTo = action.due.to
  if (dueTo !== null && dueTo < date && !done) flags.push('overdue')
  if (action.rag === 'red') flags.push('red')
  if (action.proposedRag) flags.push('proposal')
  if (!since.some(entry => UPDATE_TYPES.has(entry.type))) flags.push('no-update')
  if (dueTo !== null && dueTo >= date && dueTo <= addDays(date, DUE_SOON_DAYS) && !done) flags.push('due-soon')
  return flags
}

function addDays(date: string, days: number): string {
  const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000
  return new Date(ms).toISOString().slice(0, 10)
}
