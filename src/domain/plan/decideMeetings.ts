// Deciding on contract monitoring meetings: creating and closing them, the meeting a decision
// names (open, of this plan; its date the default effective date), and the verdict on a
// provider's RAG proposal. Commissioners and admins hold meetings.
import type { Principal } from '../actor.js'
import { ConflictError, NotFoundError } from '../errors.js'
import type { PlanEvent } from '../events.js'
import { actionIds } from './decideStructure.js'
import type { PlanDecisionState } from './decisionState.js'
import { requireAction, requireEditor, requirePlan } from './guards.js'
import type { InMeeting, ParsedAcceptRagProposal, ParsedCloseMeeting, ParsedCreateMeeting, ParsedRejectRagProposal } from './parsedCommand.js'

export function createMeeting(command: ParsedCreateMeeting, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'hold monitoring meetings')
  const { planId } = requirePlan(state)
  if (state.meetings.has(command.meetingId)) throw new ConflictError(`meeting ${command.meetingId} already exists`)
  const { meetingId, date, title, owners, attendees } = command
  return [{ type: 'MeetingCreated', data: { planId, meetingId, date, title, owners, attendees } }]
}

export function closeMeeting(command: ParsedCloseMeeting, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'close monitoring meetings')
  const { planId } = requirePlan(state)
  const meeting = state.meetings.get(command.meetingId)
  if (!meeting) throw new NotFoundError('meeting', command.meetingId)
  if (!meeting.open) throw new ConflictError(`meeting ${command.meetingId} is already closed`)
  return [{ type: 'MeetingClosed', data: { planId, meetingId: command.meetingId, date: meeting.date, notes: command.notes } }]
}

/**
 * The decision's meeting fields and effective date: without a meeting, the date given; with
 * one, it must be an open meeting of this plan held by `today` (else 409), and its date is the
 * default effective date.
 */
export function inMeeting(command: InMeeting & { effectiveDate: string | null }, state: PlanDecisionState, today: string | undefined): { effectiveDate: string; meeting: { meetingId?: string } } {
  if (command.meetingId === null) {
    if (command.effectiveDate === null) throw new ConflictError('an effective date is required without a meeting', 'effectiveDate')
    return { effectiveDate: command.effectiveDate, meeting: {} }
  }
  const meeting = state.meetings.get(command.meetingId)
  if (!meeting) throw new ConflictError(`meeting ${command.meetingId} is not a meeting of this plan`, 'meetingId')
  if (!meeting.open) throw new ConflictError(`meeting ${command.meetingId} is closed: it takes no more decisions`, 'meetingId')
  if (today !== undefined && meeting.date > today) throw new ConflictError(`meeting ${command.meetingId} is on ${meeting.date}: it takes decisions from that day (today is ${today})`, 'meetingId')
  return { effectiveDate: command.effectiveDate ?? meeting.date, meeting: { meetingId: command.meetingId } }
}

/** A pending proposal of this action, or 409. */
function requireProposal(state: PlanDecisionState, actionId: string) {
  const action = requireAction(state, actionId)
  if (!action.proposal) throw new ConflictError(`action ${actionId} has no RAG proposal waiting`)
  return { action, proposal: action.proposal }
}

export function acceptRagProposal(command: ParsedAcceptRagProposal, state: PlanDecisionState, actor: Principal, today?: string): PlanEvent[] {
  requireEditor(actor, 'accept a RAG proposal')
  const { planId } = requirePlan(state)
  const { action, proposal } = requireProposal(state, command.actionId)
  const { effectiveDate, meeting } = inMeeting(command, state, today)
  return [{
    type: 'RagSet',
    data: { planId, ...actionIds(action, command.actionId), rag: proposal, effectiveDate, reason: command.reason, ...meeting, acceptsProposal: true },
  }]
}

export function rejectRagProposal(command: ParsedRejectRagProposal, state: PlanDecisionState, actor: Principal, today?: string): PlanEvent[] {
  requireEditor(actor, 'reject a RAG proposal')
  const { planId } = requirePlan(state)
  const { action, proposal } = requireProposal(state, command.actionId)
  const { effectiveDate, meeting } = inMeeting(command, state, today)
  return [{ type: 'RagProposalRejected', data: { planId, ...actionIds(action, command.actionId), rag: proposal, effectiveDate, reason: command.reason, ...meeting } }]
}
