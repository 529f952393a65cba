// Deciding on the plan's structure: the plan itself, grids and their material, objectives,
// actions and their owners. Commissioners and admins only.
import type { Principal } from '../actor.js'
import { ConflictError, NotFoundError } from '../errors.js'
import type { PlanEvent } from '../events.js'
import { MAX_OWNERS_PER_ACTION } from '../limits.js'
import { deriveDue } from '../values/due.js'
import { sameOwner } from '../values/owners.js'
import { requirePartnershipInScope } from '../visibility.js'
import type { ActionFacts, PlanDecisionState } from './decisionState.js'
import { requireAction, requireEditor, requireGrid, requireObjective, requirePlan } from './guards.js'
import type {
  ParsedAddAction, ParsedAddGrid, ParsedAddObjective, ParsedAssignOwner, ParsedCreatePlan, ParsedRateSelfAssessment, ParsedRecordGridBudget, ParsedRecordPlanBudget,
  ParsedRecordGridNarrative, ParsedReviseAction, ParsedReviseObjective, ParsedUnassignOwner, ParsedWithdrawAction,
} from './parsedCommand.js'

export function createPlan(command: ParsedCreatePlan, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'create plans')
  const { planId, partnership, year, title, source, published } = command
  requirePartnershipInScope(actor, partnership)
  if (state.planId) throw new ConflictError(`plan ${state.planId} already exists`)
  return [{ type: 'PlanCreated', data: { planId, partnership, year: year.label, title, ...(source ? { source } : {}), ...(published ? { published } : {}) } }]
}

export function addGrid(command: ParsedAddGrid, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'add grids')
  const { planId } = requirePlan(state)
  if (state.gridNumbers.has(command.number)) throw new ConflictError(`grid number ${command.number} is already used in this plan`, 'number')
  if (state.grids.has(command.gridId)) throw new ConflictError(`grid ${command.gridId} already exists`)
  const { gridId, number, title } = command
  return [{ type: 'GridAdded', data: { planId, gridId, number, title, ...src(command) } }]
}

export function recordGridNarrative(command: ParsedRecordGridNarrative, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  const planId = gridEdit(command.gridId, state, actor)
  return [{ type: 'GridNarrativeRecorded', data: { planId, gridId: command.gridId, section: command.section, text: command.text, ...src(command) } }]
}

export function rateSelfAssessment(command: ParsedRateSelfAssessment, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  const planId = gridEdit(command.gridId, state, actor)
  return [{ type: 'SelfAssessmentRated', data: { planId, gridId: command.gridId, statement: command.statement, rag: command.rag, ...src(command) } }]
}

export function recordGridBudget(command: ParsedRecordGridBudget, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  const planId = gridEdit(command.gridId, state, actor)
  return [{ type: 'GridBudgetRecorded', data: { planId, gridId: command.gridId, lines: command.lines, ...src(command) } }]
}

export function recordPlanBudget(command: ParsedRecordPlanBudget, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'record budgets')
  const { planId } = requirePlan(state)
  return [{ type: 'PlanBudgetRecorded', data: { planId, lines: command.lines, ...src(command) } }]
}

export function addObjective(command: ParsedAddObjective, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'add objectives')
  const { planId } = requirePlan(state)
  requireGrid(state, command.gridId)
  if (state.objectives.has(command.objectiveId)) throw new ConflictError(`objective ${command.objectiveId} already exists`)
  const { gridId, objectiveId, number, text, outcomes } = command
  return [{ type: 'ObjectiveAdded', data: { planId, gridId, objectiveId, number, text, outcomes, ...src(command) } }]
}

export function reviseObjective(command: ParsedReviseObjective, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'revise objectives')
  const { planId } = requirePlan(state)
  const { gridId } = requireObjective(state, command.objectiveId)
  return [{ type: 'ObjectiveRevised', data: { planId, gridId, objectiveId: command.objectiveId, changes: command.changes } }]
}

export function addAction(command: ParsedAddAction, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'add actions')
  const { planId, year } = requirePlan(state)
  const { gridId } = requireObjective(state, command.objectiveId)
  if (state.actions.has(command.actionId)) throw new ConflictError(`action ${command.actionId} already exists`)
  const { objectiveId, actionId, number, text, owners, cost } = command
  return [{ type: 'ActionAdded', data: { planId, gridId, objectiveId, actionId, number, text, due: deriveDue(command.dueWords, year), owners, cost, ...src(command) } }]
}

export function reviseAction(command: ParsedReviseAction, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'revise actions')
  const { planId, year } = requirePlan(state)
  const action = requireAction(state, command.actionId)
  const { dueWords, ...rest } = command.changes
  // The changes keep the order the fields are named in: number, text, due, cost.
  const changes = {
    ...(rest.number !== undefined ? { number: rest.number } : {}),
    ...(rest.text !== undefined ? { text: rest.text } : {}),
    ...(dueWords !== undefined ? { due: deriveDue(dueWords, year) } : {}),
    ...(rest.cost !== undefined ? { cost: rest.cost } : {}),
  }
  return [{ type: 'ActionRevised', data: { planId, ...actionIds(action, command.actionId), changes } }]
}

export function withdrawAction(command: ParsedWithdrawAction, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'withdraw actions')
  const { planId } = requirePlan(state)
  const action = requireAction(state, command.actionId)
  return [{ type: 'ActionWithdrawn', data: { planId, ...actionIds(action, command.actionId), reason: command.reason } }]
}

/** Assigning an owner the action already has changes nothing; an action has at most MAX_OWNERS_PER_ACTION owners. */
export function assignOwner(command: ParsedAssignOwner, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'assign owners')
  const { planId } = requirePlan(state)
  const action = requireAction(state, command.actionId)
  if (action.owners.some(o => sameOwner(o, command.owner))) return []
  if (action.owners.length >= MAX_OWNERS_PER_ACTION) {
    throw new ConflictError(`owner: action ${command.actionId} already has ${MAX_OWNERS_PER_ACTION} owners, the most one action may have`, 'owner')
  }
  return [{ type: 'OwnerAssigned', data: { planId, ...actionIds(action, command.actionId), owner: command.owner } }]
}

/** The owner is recorded as the action spells it. */
export function unassignOwner(command: ParsedUnassignOwner, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'unassign owners')
  const { planId } = requirePlan(state)
  const action = requireAction(state, command.actionId)
  const owner = action.owners.find(o => sameOwner(o, command.owner))
  if (!owner) throw new NotFoundError('owner', command.owner)
  return [{ type: 'OwnerUnassigned', data: { planId, ...actionIds(action, command.actionId), owner } }]
}

function gridEdit(gridId: string, state: PlanDecisionState, actor: Principal): string {
  requireEditor(actor, 'edit grids')
  const { planId } = requirePlan(state)
  requireGrid(state, gridId)
  return planId
}

export function actionIds(action: ActionFacts, actionId: string): { gridId: string; objectiveId: string; actionId: string } {
  return { gridId: action.gridId, objectiveId: action.objectiveId, actionId }
}

export function src<S>(command: { source?: S }): { source?: S } {
  return command.source ? { source: command.source } : {}
}
