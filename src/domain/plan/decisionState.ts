// What deciding needs to know about a plan, folded from its events; the read models hold
// the rest. Also what provider visibility reads of it.
import type { Principal } from '../actor.js'
import type { PlanEvent } from '../events.js'
import { parseFinancialYear, type FinancialYear } from '../values/financialYear.js'
import { distinctOwners, sameOwner } from '../values/owners.js'
import type { Rag } from '../values/types.js'
import { maySeePlan, type PlanScope } from '../visibility.js'

export interface ActionFacts {
  gridId: string
  objectiveId: string
  owners: string[]
  withdrawn: boolean
  /** The rating a provider proposed that no RAG set or rejection has settled yet. */
  proposal?: Rag | null
}

/** What deciding needs of a monitoring meeting: its date (default effective date) and whether it is open. */
export interface MeetingFacts {
  date: string
  owners: string[]
  open: boolean
}

export interface PlanDecisionState {
  planId: string | null
  partnership: string | null
  year: FinancialYear | null
  gridNumbers: Map<number, string>
  grids: Set<string>
  objectives: Map<string, { gridId: string }>
  actions: Map<string, ActionFacts>
  meetings: Map<string, MeetingFacts>
}

export function initialState(): PlanDecisionState {
  return { planId: null, partnership: null, year: null, gridNumbers: new Map(), grids: new Set(), objectives: new Map(), actions: new Map(), meetings: new Map() }
}

/** A copy that can be evolved without touching `state` (deciding a batch against a scratch state). */
export function copyState(state: PlanDecisionState): PlanDecisionState {
  return {
    ...state,
    gridNumbers: new Map(state.gridNumbers),
    grids: new Set(state.grids),
    objectives: new Map(state.objectives),
    actions: new Map([...state.actions].map(([id, a]) => [id, { ...a, owners: [...a.owners] }])),
    meetings: new Map([...state.meetings].map(([id, m]) => [id, { ...m }])),
  }
}

/**
 * Applies one event. For folds over long streams this updates the given state in place and
 * returns it (copying every map per event would make a fold quadratic); callers own the state
 * they fold into and never share it.
 */
export function evolve(state: PlanDecisionState, event: PlanEvent): PlanDecisionState {
  switch (event.type) {
    case 'PlanCreated':
      state.planId = event.data.planId
      state.partnership = event.data.partnership
      state.year = parseFinancialYear(event.data.year)
      return state
    case 'GridAdded':
      state.grids.add(event.data.gridId)
      state.gridNumbers.set(event.data.number, event.data.gridId)
      return state
    case 'ObjectiveAdded':
      state.objectives.set(event.data.objectiveId, { gridId: event.data.gridId })
      return state
    case 'ActionAdded':
      state.actions.set(event.data.actionId, {
        gridId: event.data.gridId,
        objectiveId: event.data.objectiveId,
        owners: [...event.data.owners],
        withdrawn: false,
      })
      return state
    case 'ActionWithdrawn': {
      const action = state.actions.get(event.data.actionId)
      if (action) action.withdrawn = true
      return state
    }
    case 'OwnerAssigned': {
      const action = state.actions.get(event.data.actionId)
      if (action) action.owners.push(event.data.owner)
      return state
    }
    case 'OwnerUnassigned': {
      const action = state.actions.get(event.data.actionId)
      if (action) action.owners = action.owners.filter(o => !sameOwner(o, event.data.owner))
      return state
    }
    case 'RagProposed':
    case 'RagSet':
    case 'RagProposalRejected': {
      const action = state.actions.get(event.data.actionId)
      if (action) action.proposal = event.type === 'RagProposed' ? event.data.rag : null
      return state
    }
    case 'MeetingCreated':
      state.meetings.set(event.data.meetingId, { date: event.data.date, owners: [...event.data.owners], open: true })
      return state
    case 'MeetingClosed': {
      const meeting = state.meetings.get(event.data.meetingId)
      if (meeting) meeting.open = false
      return state
    }
    default:
      return state
  }
}

export function fold(events: Iterable<PlanEvent>, state = initialState()): PlanDecisionState {
  for (const e of events) evolve(state, e)
  return state
}

/** Owner labels of a plan's live actions (first spelling of each): what provider scoping reads. */
export function planOwnerLabels(state: PlanDecisionState): string[] {
  return distinctOwners(liveOwners(state))
}

function* liveOwners(state: PlanDecisionState): Generator<string> {
  for (const action of state.actions.values()) if (!action.withdrawn) yield* action.owners
}

/** What visibility reads of the plan. */
export function planScope(state: PlanDecisionState): PlanScope {
  return { partnership: state.partnership ?? '', ownerLabels: liveOwners(state) }
}

/** True when the principal may see the plan (the rule is `maySeePlan`'s). */
export function canSee(state: PlanDecisionState, principal: Principal): boolean {
  return maySeePlan(principal, planScope(state))
}
