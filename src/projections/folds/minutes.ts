// The minutes of a monitoring meeting: who was there, each decision with the value before and
// after it, and the agenda items not discussed. What the council files after the meeting.
import type { ActorRef } from './planState.js'
import type { RecordedPlanEvent } from '../recordedEvent.js'
import type { Rag } from '../../domain/values/types.js'
import { applyToPlanState, actionsInOrder, EFFECTIVE_ALWAYS, type PlanState, type ProgressState } from './planState.js'
import { DECISION_TYPES, type AgendaFlag, type AgendaItem, type Meeting } from './meetings.js'

export type DecisionField = 'progress' | 'rag' | 'proposedRag'
export type ProgressValue = Omit<ProgressState, 'recordedAt'>

export interface MinutesDecision {
  position: number
  type: string
  recordedAt: string
  effectiveDate: string
  actor: ActorRef
  actionId: string
  gridNumber: number | null
  objectiveNumber: string | null
  actionNumber: string | null
  action: string | null
  /** What the decision changed, and its value just before and as decided. */
  field: DecisionField
  before: ProgressValue | Rag | null
  after: ProgressValue | Rag | null
  /** The reason given (RAG decisions), or null. */
  reason: string | null
  /** A provider's proposal accepted as the RAG. */
  acceptsProposal: boolean
}

export interface NotDiscussed {
  actionId: string
  gridNumber: number
  objectiveNumber: string | null
  actionNumber: string | null
  action: string
  byWhom: string
  rag: Rag | null
  flags: AgendaFlag[]
}

export interface PlanHeading {
  id: string
  partnership: string
  year: string
  title: string
}

export interface Minutes {
  plan: PlanHeading
  meeting: Meeting
  attendees: string[]
  decisions: MinutesDecision[]
  notDiscussed: NotDiscussed[]
}

// Every recorded event counts and the latest effective value is "before": the minutes say what
// the plan showed when the decision was taken.
const ALL = { asOf: '9999-12-31T23:59:59.999Z', effectiveOn: EFFECTIVE_ALWAYS }

function progressValue(p: ProgressState | ProgressValue | null): ProgressValue | null {
  return p && { status: p.status, percentComplete: p.percentComplete, note: p.note, furtherAction: p.furtherAction, effectiveDate: p.effectiveDate }
}

export function meetingMinutes(events: RecordedPlanEvent[], plan: PlanHeading, meeting: Meeting, agenda: AgendaItem[]): Minutes {
  let state: PlanState | null = null
  const decisions: MinutesDecision[] = []
  for (const recorded of events) {
    const event = recorded.event
    if (state && DECISION_TYPES.has(event.type) && (event.data as { meetingId?: string }).meetingId === meeting.id) {
      decisions.push(decisionOf(recorded, state))
    }
    state = applyToPlanState(state, recorded, ALL)
  }
  const discussed = new Set(decisions.map(d => d.actionId))
  const notDiscussed = agenda
    .filter(item => !discussed.has(item.actionId))
    .map(({ actionId, gridNumber, objectiveNumber, actionNumber, action, byWhom, rag, flags }) => ({ actionId, gridNumber, objectiveNumber, actionNumber, action, byWhom, rag, flags }))
  return { plan, meeting, attendees: meeting.attendees, decisions, notDiscussed }
}

function decisionOf(recorded: RecordedPlanEvent, state: PlanState): MinutesDecision {
  const event = recorded.event
  const data = event.data as { actionId: string; effectiveDate: string }
  const found = [...actionsInOrder(state)].find(entry => entry.action.id === data.actionId)
  const action = found?.action
  const base = {
    position: recorded.version,
    type: event.type,
    recordedAt: recorded.recordedAt,
    effectiveDate: data.effectiveDate,
    actor: { tokenId: recorded.actor.tokenId ?? null, role: recorded.actor.role, label: recorded.actor.label ?? null },
    actionId: data.actionId,
    gridNumber: found?.grid.number ?? null,
    objectiveNumber: found?.objective.number ?? null,
    actionNumber: action?.number ?? null,
    action: action?.text ?? null,
    reason: null,
    acceptsProposal: false,
  }
  switch (event.type) {
    case 'ProgressReported': {
      const { status, percentComplete, note, furtherAction, effectiveDate } = event.data
      return { ...base, field: 'progress', before: progressValue(action?.progress ?? null), after: { status, percentComplete, note, furtherAction, effectiveDate } }
    }
    case 'RagSet':
      return { ...base, field: 'rag', before: action?.rag ?? null, after: event.data.rag, reason: event.data.reason, acceptsProposal: event.data.acceptsProposal === true }
    case 'RagProposed':
      return { ...base, field: 'proposedRag', before: action?.proposedRag?.rag ?? null, after: event.data.rag, reason: event.data.reason }
    default: {
      // RagProposalRejected: the proposal is closed.
      const reason = (event.data as { reason?: string }).reason ?? null
      return { ...base, field: 'proposedRag', before: action?.proposedRag?.rag ?? null, after: null, reason }
    }
  }
}
