// Which plans a principal may see: the one rule the decider, the plan queries and the plan
// catalogue read. Admins, commissioners and auditors see every plan; a provider sees a plan
// when one of its owner labels owns a live action in it (labels match as owners do, by key).
import type { Principal } from './actor.js'
import { ownerKey } from './values/owners.js'

/** What visibility reads of a plan. */
export interface PlanScope {
  partnership: string
  /** Owner labels of the plan's live actions. */
  ownerLabels: Iterable<string>
}

/** True when the principal sees every plan, so a read need not work out the plan's scope. */
export function seesEveryPlan(principal: Principal): boolean {
  return principal.role !== 'provider'
}

/** The visibility test for one principal: built once (the principal's label keys in a set), applied to any number of plans, each in time linear in its labels. */
export function planVisibility(principal: Principal): (plan: PlanScope) => boolean {
  if (seesEveryPlan(principal)) return () => true
  const mine = new Set(principal.owners.map(ownerKey))
  return plan => {
    for (const label of plan.ownerLabels) if (mine.has(ownerKey(label))) return true
    return false
  }
}

/** True when the principal may see the plan. */
export function maySeePlan(principal: Principal, plan: PlanScope): boolean {
  return planVisibility(principal)(plan)
}
