// Which plans a principal may see: the one rule the decider, the plan queries and the plan
// catalogue read. Admins, commissioners and auditors see every plan, unless their token is
// scoped to partnerships: then only plans of those partnerships (matched case-insensitively);
// a provider sees a plan when one of its owner labels owns a live action in it (labels match as
// owners do, by key).
import type { Principal } from './actor.js'
import { ForbiddenError } from './errors.js'
import { normaliseOwners, ownerKey } from './values/owners.js'

/** What visibility reads of a plan. */
export interface PlanScope {
  partnership: string
  /** Owner labels of the plan's live actions. */
  ownerLabels: Iterable<string>
}

/** Partnership names compare as owner labels do: whitespace collapsed, case folded. */
export const partnershipKey: (name: string) => string = ownerKey

/** A token's partnerships as given: whitespace collapsed, blank ones and later case-insensitive repeats dropped. */
export const normalisePartnerships: (names: string[]) => string[] = normaliseOwners

function isScoped(principal: Principal): boolean {
  return principal.partnerships !== undefined && principal.partnerships.length > 0
}

/** True when the principal sees every plan, so a read need not work out the plan's scope. */
export function seesEveryPlan(principal: Principal): boolean {
  return principal.role !== 'provider' && !isScoped(principal)
}

/** True when the principal's partnership scope (if any) takes in this partnership. */
export function inPartnershipScope(principal: Principal, partnership: string): boolean {
  if (!isScoped(principal)) return true
  const key = partnershipKey(partnership)
  return principal.partnerships!.some(p => partnershipKey(p) === key)
}

/** Creating (or importing) a plan needs its partnership within the token's scope: 403 otherwise, naming both. */
export function requirePartnershipInScope(principal: Principal, partnership: string): void {
  if (inPartnershipScope(principal, partnership)) return
  throw new ForbiddenError(`this token is scoped to ${principal.partnerships!.join(', ')}; it may not create or import a plan of ${partnership}`)
}

/** The visibility test for one principal: built once (the principal's label keys in a set), applied to any number of plans, each in time linear in its labels. */
export function planVisibility(principal: Principal): (plan: PlanScope) => boolean {
  if (seesEveryPlan(principal)) return () => true
  const partnerships = isScoped(principal) ? new Set(principal.partnerships!.map(partnershipKey)) : null
  const inScope = (plan: PlanScope) => partnerships === null || partnerships.has(partnershipKey(plan.partnership))
  if (principal.role !== 'provider') return inScope
  const mine = new Set(principal.owners.map(ownerKey))
  return plan => {
    if (!inScope(plan)) return false
    for (const label of plan.ownerLabels) if (mine.has(ownerKey(label))) return true
    return false
  }
}

/** True when the principal may see the plan. */
export function maySeePlan(principal: Principal, plan: PlanScope): boolean {
  return planVisibility(principal)(plan)
}
