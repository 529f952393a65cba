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
