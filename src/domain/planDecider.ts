// The plan aggregate as a decider: initialState, evolve, decide. Pure functions, no I/O, no
// framework. One plan is one consistency boundary (one event stream).
//
// A command is parsed once, at the edge (plan/parseCommand.ts: every field checked, typed and
// within its limits, or a ValidationError naming every bad field); `decide` takes the parsed
// command and checks only what needs the actor and the plan's state. `decideCommand` is that
// edge and the decision in one call, for callers holding a command as written.
import type { Principal } from './actor.js'
import type { PlanCommand } from './commands.js'
import type { PlanEvent } from './events.js'
import { acceptRagProposal, closeMeeting, createMeeting, rejectRagProposal } from './plan/decideMeetings.js'
import { proposeRag, reportProgress, setRag } from './plan/decideReporting.js'
import {
  addAction, addGrid, addObjective, assignOwner, createPlan, rateSelfAssessment, recordGridBudget, recordPlanBudget, recordGridNarrative, reviseAction, reviseObjective,
  unassignOwner, withdrawAction,
} from './plan/decideStructure.js'
import type { PlanDecisionState } from './plan/decisionState.js'
import { requireInPartnershipScope } from './plan/guards.js'
import { parsePlanCommand } from './plan/parseCommand.js'
import { signOffReport } from './plan/signOff.js'
import type { ParsedPlanCommand } from './plan/parsedCommand.js'

export { canSee, copyState, evolve, fold, initialState, planOwnerLabels, planScope, type PlanDecisionState } from './plan/decisionState.js'
export { parsePlanCommand } from './plan/parseCommand.js'
export type { ParsedPlanCommand } from './plan/parsedCommand.js'

export interface DecideContext {
  actor: Principal
  /** Today's Europe/London date, the default effective date and the latest one allowed. */
  today: string
}

/** The events a parsed command produces on this state, or a domain error. */
/** `today` (when given) keeps decisions out of meetings not yet held. */
export function decide(command: ParsedPlanCommand, state: PlanDecisionState, { actor, today }: Pick<DecideContext, 'actor'> & Partial<Pick<DecideContext, 'today'>>): PlanEvent[] {
  if (command.type !== 'CreatePlan') requireInPartnershipScope(state, actor)
  switch (command.type) {
    case 'CreatePlan': return createPlan(command, state, actor)
    case 'AddGrid': return addGrid(command, state, actor)
    case 'RecordGridNarrative': return recordGridNarrative(command, state, actor)
    case 'RateSelfAssessment': return rateSelfAssessment(command, state, actor)
    case 'RecordGridBudget': return recordGridBudget(command, state, actor)
    case 'RecordPlanBudget': return recordPlanBudget(command, state, actor)
    case 'AddObjective': return addObjective(command, state, actor)
    case 'ReviseObjective': return reviseObjective(command, state, actor)
    case 'AddAction': return addAction(command, state, actor)
    case 'ReviseAction': return reviseAction(command, state, actor)
    case 'WithdrawAction': return withdrawAction(command, state, actor)
    case 'AssignOwner': return assignOwner(command, state, actor)
    case 'UnassignOwner': return unassignOwner(command, state, actor)
    case 'ReportProgress': return reportProgress(command, state, actor, today)
    case 'SetRag': return setRag(command, state, actor, today)
    case 'ProposeRag': return proposeRag(command, state, actor, today)
    case 'AcceptRagProposal': return acceptRagProposal(command, state, actor, today)
    case 'RejectRagProposal': return rejectRagProposal(command, state, actor, today)
    case 'CreateMeeting': return createMeeting(command, state, actor)
    case 'CloseMeeting': return closeMeeting(command, state, actor)
    case 'SignOffReport': return signOffReport(command, state, actor)
  }
}

/** Parses a command as written (the edge), then decides it. */
export function decideCommand(command: PlanCommand, state: PlanDecisionState, ctx: DecideContext): PlanEvent[] {
  return decide(parsePlanCommand(command, ctx.today), state, ctx)
}
