// Reading helpers for projection tests.
import { actionsInOrder, projectPlanState, type ActionState, type PlanState } from '../../../src/projections/folds/planState.js'
import type { RecordedPlanEvent } from '../../../src/projections/recordedEvent.js'

export function stateOf(events: RecordedPlanEvent[], asOf: string, effectiveOn = '9999-12-31'): PlanState {
  const state = projectPlanState(events, { asOf, effectiveOn })
  if (!state) throw new Error(`no plan as of ${asOf}`)
  return state
}

export function actionIn(state: PlanState, actionId: string): ActionState | undefined {
  for (const { action } of actionsInOrder(state)) if (action.id === actionId) return action
  return undefined
}

export function mustAction(state: PlanState, actionId: string): ActionState {
  const action = actionIn(state, actionId)
  if (!action) throw new Error(`action ${actionId} not in the state as of ${state.asOf}`)
  return action
}
