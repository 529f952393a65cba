// How much a plan's fields may hold. The decider enforces these, the request schemas refuse
// past them with the same numbers, and the importer cuts imported values to fit.

/** Free text: an objective or action, an outcome, a narrative, a progress note, a reason. */
export const MAX_TEXT = 20_000
/** Short text: titles, the partnership, an owner label, the "by when" and cost words. */
export const MAX_SHORT_TEXT = 500
/** An objective or action number as written ("1.2a"). */
export const MAX_ITEM_NUMBER = 20
/** Expected outcomes of one objective. */
export const MAX_OUTCOMES = 200
/** Grid numbers run from 0 to this. */
export const MAX_GRID_NUMBER = 10_000
/** Owners of one action: a grid names a few agencies per action, and a provider's read of a plan walks every owner. */
export const MAX_OWNERS_PER_ACTION = 50
/** Owner labels one provider token is bound to. */
export const MAX_OWNERS_PER_TOKEN = 100
/** Partnerships one commissioner or auditor token is scoped to. */
export const MAX_PARTNERSHIPS_PER_TOKEN = 100
/** Lines of one grid's budget table. */
export const MAX_BUDGET_LINES = 200
