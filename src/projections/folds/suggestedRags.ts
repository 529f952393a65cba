// The plan state as read: every action with its suggested RAG for the read's date. Computed on
// each read from the folded state and a date (never folded or stored: the suggestion changes
// with the calendar, not with events), so a cache of folded states can call this per answer.
import { londonDate } from '../../domain/values/calendarDate.js'
import { parseFinancialYear } from '../../domain/values/financialYear.js'
import { suggestRag, type SuggestedRag } from '../../domain/values/suggestedRag.js'
import type { ActionState, GridState, ObjectiveState, PlanState } from './planState.js'

export type ActionRead = ActionState & { suggestedRag: SuggestedRag | null }
export type ObjectiveRead = Omit<ObjectiveState, 'actions'> & { actions: ActionRead[] }
export type GridRead = Omit<GridState, 'objectives'> & { objectives: ObjectiveRead[] }
export type PlanRead = Omit<PlanState, 'grids'> & { grids: GridRead[] }

/**
 * The date a read's suggestions are for: the London date of its `asOf` (today for a current
 * read), or its `effectiveOn` when that is earlier (the progress shown is as at that date).
 */
export function suggestionDate(state: Pick<PlanState, 'asOf' | 'effectiveOn'>): string {
  const recorded = londonDate(state.asOf)
  return state.effectiveOn < recorded ? state.effectiveOn : recorded
}

/** The suggested RAG of one action of a plan of `year` ("2006/07") on `on`. */
export function suggestedRagOf(action: Pick<ActionState, 'due' | 'progress'>, year: string, on: string): SuggestedRag | null {
  return suggestRag({
    percentComplete: action.progress?.percentComplete ?? null,
    status: action.progress?.status ?? null,
    due: action.due,
    year: parseFinancialYear(year),
    on,
  })
}

/** A copy of `state` (which is left untouched: it may be cached or stored) whose actions carry `suggestedRag` for `on`. */
export function withSuggestedRags(state: PlanState, on: string = suggestionDate(state)): PlanRead {
  return {
    ...state,
    grids: state.grids.map(grid => ({
      ...grid,
      objectives: grid.objectives.map(objective => ({
        ...objective,
        actions: objective.actions.map(action => ({
          ...action,
          suggestedRag: suggestedRagOf(action, state.year, on),
        })),
      })),
    })),
  }
}
