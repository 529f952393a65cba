// Deciding on what is recorded against actions: progress, RAG ratings set by editors and
// proposed by providers (on the actions their labels own).
import type { Principal } from '../actor.js'
import type { PlanEvent } from '../events.js'
import { inMeeting } from './decideMeetings.js'
import { actionIds, src } from './decideStructure.js'
import type { PlanDecisionState } from './decisionState.js'
import { requireAction, requireEditor, requirePlan, requireReporter } from './guards.js'
import type { ParsedProposeRag, ParsedReportProgress, ParsedSetRag } from './parsedCommand.js'

export function reportProgress(command: ParsedReportProgress, state: PlanDecisionState, actor: Principal, today?: string): PlanEvent[] {
  const { planId } = requirePlan(state)
  const action = requireAction(state, command.actionId)
  requireReporter(actor, action, command.actionId, 'report progress')
  const { effectiveDate, meeting } = inMeeting(command, state, today)
  const { status, percentComplete, note, furtherAction } = command
  return [{ type: 'ProgressReported', data: { planId, ...actionIds(action, command.actionId), effectiveDate, status, percentComplete, note, furtherAction, ...src(command), ...meeting } }]
}

export function setRag(command: ParsedSetRag, state: PlanDecisionState, actor: Principal, today?: string): PlanEvent[] {
  requireEditor(actor, 'set a RAG rating (providers propose one)')
  const { planId } = requirePlan(state)
  const action = requireAction(state, command.actionId)
  const { effectiveDate, meeting } = inMeeting(command, state, today)
  const { rag, reason } = command
  return [{ type: 'RagSet', data: { planId, ...actionIds(action, command.actionId), rag, effectiveDate, reason, ...src(command), ...meeting } }]
}

export function proposeRag(command: ParsedProposeRag, state: PlanDecisionState, actor: Principal, today?: string): PlanEvent[] {
  const { planId } = requirePlan(state)
  const action = requireAction(state, command.actionId)
  requireReporter(actor, action, command.actionId, 'propose a RAG rating')
  const { effectiveDate, meeting } = inMeeting(command, state, today)
  const { rag, reason } = command
  return [{ type: 'RagProposed', data: { planId, ...actionIds(action, command.actionId), rag, effectiveDate, reason, ...meeting } }]
}
