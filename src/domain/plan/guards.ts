// What must hold before a command may change a plan: it exists, the things it names exist,
// the actor's role (and, for a provider, ownership) allows it.
import type { Principal } from '../actor.js'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js'
import { isPlanEditor } from '../roles.js'
import type { FinancialYear } from '../values/financialYear.js'
import { ownerKey } from '../values/owners.js'
import { inPartnershipScope } from '../visibility.js'
import type { ActionFacts, PlanDecisionState } from './decisionState.js'

export function requirePlan(state: PlanDecisionState): { planId: string; year: FinancialYear } {
  if (!state.planId || !state.year) throw new NotFoundError('plan', '(this stream)')
  return { planId: state.planId, year: state.year }
}

/** A plan of a partnership outside the actor's token scope is, to that actor, a plan that does not exist. */
export function requireInPartnershipScope(state: PlanDecisionState, actor: Principal): void {
  if (state.planId && state.partnership !== null && !inPartnershipScope(actor, state.partnership)) throw new NotFoundError('plan', state.planId)
}

export function requireGrid(state: PlanDecisionState, gridId: string): void {
  if (!state.grids.has(gridId)) throw new NotFoundError('grid', gridId)
}

export function requireObjective(state: PlanDecisionState, objectiveId: string): { gridId: string } {
  const objective = state.objectives.get(objectiveId)
  if (!objective) throw new NotFoundError('objective', objectiveId)
  return objective
}

/** A live action: withdrawn ones take no more commands. */
export function requireAction(state: PlanDecisionState, actionId: string): ActionFacts {
  const action = state.actions.get(actionId)
  if (!action) throw new NotFoundError('action', actionId)
  if (action.withdrawn) throw new ConflictError(`action ${actionId} was withdrawn`)
  return action
}

/** Commissioners and admins edit the plan. */
export function requireEditor(actor: Principal, what: string): void {
  if (!isPlanEditor(actor.role)) throw new ForbiddenError(`${actor.role} may not ${what}`)
}

/** Editors report on any action; providers only on actions one of their labels owns. */
export function requireReporter(actor: Principal, action: ActionFacts, actionId: string, what: string): void {
  if (isPlanEditor(actor.role)) return
  if (actor.role !== 'provider') throw new ForbiddenError(`${actor.role} may not ${what}`)
  const mine = new Set(actor.owners.map(ownerKey))
  if (!action.owners.some(owner => mine.has(ownerKey(owner)))) throw new ForbiddenError(`action ${actionId} is not owned by any of this provider's labels`)
}
