// The plan's grid state: grids → objectives → actions, as the system showed it at an instant
// (`asOf`, recorded time) and as it was true on a date (`effectiveOn`, effective time).
//
// One fold serves every reader: `applyToPlanState` applies one recorded event to a state, in
// place. `projectPlanState` folds a plan's stream with it for as-of reads; the plan catalogue
// read model keeps the current state with it incrementally. The rules:
//   - only events recorded at or before `asOf` count; the plan's version is how many did;
//   - effective-dated events (progress, RAG set, RAG proposed) count only when their effective
//     date is on or before `effectiveOn`; structural events (grids, objectives, actions,
//     owners, revisions, withdrawals) are not filtered by effective date;
//   - the progress shown is the one with the greatest effective date, ties going to the later
//     recording; likewise the RAG in force;
//   - a RAG proposal is shown until a RAG is set or the proposal rejected after it (in recording order);
//   - a withdrawn action leaves the state (it stays in the history and in earlier asOf views).
import type { Actor } from '../../domain/actor.js'
import { effectiveDateOf, type BudgetLine, type GridNarrativeSection } from '../../domain/events.js'
import { distinctOwners, sameOwner } from '../../domain/values/owners.js'
import type { Due, Money, ProgressStatus, Rag } from '../../domain/values/types.js'
import type { RecordedPlanEvent } from '../recordedEvent.js'

export interface ActorRef {
  tokenId: string | null
  role: Actor['role']
  label: string | null
}

export interface ProposedRag {
  rag: Rag
  reason: string | null
  actor: ActorRef
  recordedAt: string
}

/** The RAG in force and where it came from (an addition to the contract's `rag`). */
export interface RagDecision {
  rag: Rag
  effectiveDate: string
  reason: string | null
  actor: ActorRef
  recordedAt: string
}

export interface ProgressState {
  status: ProgressStatus | null
  percentComplete: number | null
  note: string
  furtherAction: string | null
  effectiveDate: string
  recordedAt: string
}

export interface ActionState {
  id: string
  number: string | null
  text: string
  due: Due
  owners: string[]
  cost: Money
  rag: Rag | null
  ragDecision: RagDecision | null
  proposedRag: ProposedRag | null
  progress: ProgressState | null
}

export interface ObjectiveState {
  id: string
  number: string | null
  text: string
  outcomes: string[]
  actions: ActionState[]
}

export interface GridNarrative {
  section: GridNarrativeSection
  text: string
}

export interface SelfAssessmentRating {
  statement: string
  rag: Rag
}

export interface GridState {
  id: string
  number: number
  title: string
  objectives: ObjectiveState[]
  /** Guidance, gap analysis, key priorities…, in the order recorded. */
  narratives: GridNarrative[]
  /** Baseline statements and their ratings; re-rating a statement replaces its rating. */
  selfAssessment: SelfAssessmentRating[]
  /** The latest recorded budget lines, or null. */
  budget: BudgetLine[] | null
}

export interface PlanState {
  id: string
  partnership: string
  year: string
  title: string
  /** When the plan document says it was published (YYYY-MM-DD), or null. */
  published: string | null
  /** Stream version: how many of the plan's events were recorded at or before `asOf`. */
  version: number
  asOf: string
  effectiveOn: string
  grids: GridState[]
  /** The plan's own budget lines (not any one grid's), present once recorded. */
  budget?: BudgetLine[]
}

export interface PlanStateOptions {
  /** ISO instant: events recorded after it do not count. */
  asOf: string
  /** YYYY-MM-DD: effective-dated events dated after it do not count. */
  effectiveOn: string
}

/** An effective date later than any real one: "whatever is effective, however late". */
export const EFFECTIVE_ALWAYS = '9999-12-31'

// ---- lookup index ---------------------------------------------------------------------------
// States are plain JSON (they are stored as read-model documents); lookups by id go through an
// index built lazily per state object and kept in step by the fold.

interface StateIndex {
  grids: Map<string, GridState>
  objectives: Map<string, ObjectiveState>
  actions: Map<string, { action: ActionState; objective: ObjectiveState }>
}

const indexes = new WeakMap<PlanState, StateIndex>()

function indexOf(state: PlanState): StateIndex {
  let index = indexes.get(state)
  if (index) return index
  index = { grids: new Map(), objectives: new Map(), actions: new Map() }
  for (const grid of state.grids) {
    index.grids.set(grid.id, grid)
    for (const objective of grid.objectives) {
      index.objectives.set(objective.id, objective)
      for (const action of objective.actions) index.actions.set(action.id, { action, objective })
    }
  }
  indexes.set(state, index)
  return index
}

// ---- the fold -------------------------------------------------------------------------------

function instantMs(iso: string): number {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${JSON.stringify(iso)}`)
  return ms
}

/** True when the event was recorded at or before `asOf`. */
export function recordedBy(event: RecordedPlanEvent, asOf: string): boolean {
  return instantMs(event.recordedAt) <= instantMs(asOf)
}

function actorRef(actor: Actor): ActorRef {
  return { tokenId: actor.tokenId ?? null, role: actor.role, label: actor.label ?? null }
}

/**
 * Applies one recorded event to a plan state (in place) and returns the state: null until the
 * plan is created. Events must come in stream order. Events recorded after `options.asOf` are
 * ignored; effective-dated events dated after `options.effectiveOn` count towards the version
 * only. `state.asOf` and `state.effectiveOn` are left for the caller to set.
 */
export function applyToPlanState(state: PlanState | null, recorded: RecordedPlanEvent, options: PlanStateOptions): PlanState | null {
  // The plan catalogue passes each event's own recording time: the same string needs no parsing.
  if (recorded.recordedAt !== options.asOf && !recordedBy(recorded, options.asOf)) return state
  const event = recorded.event
  if (event.type === 'PlanCreated') {
    if (state) {
      state.version = Math.max(state.version, recorded.version)
      return state
    }
    const d = event.data
    return {
      id: d.planId,
      partnership: d.partnership,
      year: d.year,
      title: d.title,
      published: d.published ?? null,
      version: recorded.version,
      asOf: options.asOf,
      effectiveOn: options.effectiveOn,
      grids: [],
    }
  }
  if (!state) return state
  state.version = Math.max(state.version, recorded.version)
  const effective = effectiveDateOf(event)
  if (effective !== null && effective > options.effectiveOn) return state
  const index = indexOf(state)

  switch (event.type) {
    case 'GridAdded': {
      const d = event.data
      if (index.grids.has(d.gridId)) return state
      const grid: GridState = { id: d.gridId, number: d.number, title: d.title, objectives: [], narratives: [], selfAssessment: [], budget: null }
      // Grids in number order (stable for equal numbers).
      let at = state.grids.length
      while (at > 0 && state.grids[at - 1].number > grid.number) at--
      state.grids.splice(at, 0, grid)
      index.grids.set(grid.id, grid)
      return state
    }
    case 'GridNarrativeRecorded': {
      index.grids.get(event.data.gridId)?.narratives.push({ section: event.data.section, text: event.data.text })
      return state
    }
    case 'SelfAssessmentRated': {
      const grid = index.grids.get(event.data.gridId)
      if (!grid) return state
      const existing = grid.selfAssessment.find(s => s.statement === event.data.statement)
      if (existing) existing.rag = event.data.rag
      else grid.selfAssessment.push({ statement: event.data.statement, rag: event.data.rag })
      return state
    }
    case 'GridBudgetRecorded': {
      const grid = index.grids.get(event.data.gridId)
      if (grid) grid.budget = event.data.lines.map(line => ({ ...line }))
      return state
    }
    case 'PlanBudgetRecorded': {
      state.budget = event.data.lines.map(line => ({ ...line }))
      return state
    }
    case 'ObjectiveAdded': {
      const d = event.data
      const grid = index.grids.get(d.gridId)
      if (!grid || index.objectives.has(d.objectiveId)) return state
      const objective: ObjectiveState = { id: d.objectiveId, number: d.number, text: d.text, outcomes: [...d.outcomes], actions: [] }
      grid.objectives.push(objective)
      index.objectives.set(objective.id, objective)
      return state
    }
    case 'ObjectiveRevised': {
      const objective = index.objectives.get(event.data.objectiveId)
      if (!objective) return state
      const c = event.data.changes
      if (c.number !== undefined) objective.number = c.number
      if (c.text !== undefined) objective.text = c.text
      if (c.outcomes !== undefined) objective.outcomes = [...c.outcomes]
      return state
    }
    case 'ActionAdded': {
      const d = event.data
      const objective = index.objectives.get(d.objectiveId)
      if (!objective || index.actions.has(d.actionId)) return state
      const action: ActionState = {
        id: d.actionId,
        number: d.number,
        text: d.text,
        due: { text: d.due.text, from: d.due.from, to: d.due.to },
        owners: [...d.owners],
        cost: { text: d.cost.text, pence: d.cost.pence },
        rag: null,
        ragDecision: null,
        proposedRag: null,
        progress: null,
      }
      objective.actions.push(action)
      index.actions.set(action.id, { action, objective })
      return state
    }
    case 'ActionRevised': {
      const found = index.actions.get(event.data.actionId)
      if (!found) return state
      const { action } = found
      const c = event.data.changes
      if (c.number !== undefined) action.number = c.number
      if (c.text !== undefined) action.text = c.text
      if (c.due !== undefined) action.due = { text: c.due.text, from: c.due.from, to: c.due.to }
      if (c.cost !== undefined) action.cost = { text: c.cost.text, pence: c.cost.pence }
      return state
    }
    case 'ActionWithdrawn': {
      const found = index.actions.get(event.data.actionId)
      if (!found) return state
      found.objective.actions = found.objective.actions.filter(a => a !== found.action)
      index.actions.delete(event.data.actionId)
      return state
    }
    case 'OwnerAssigned': {
      const action = index.actions.get(event.data.actionId)?.action
      if (action && !action.owners.some(o => sameOwner(o, event.data.owner))) action.owners.push(event.data.owner)
      return state
    }
    case 'OwnerUnassigned': {
      const action = index.actions.get(event.data.actionId)?.action
      if (action) action.owners = action.owners.filter(o => !sameOwner(o, event.data.owner))
      return state
    }
    case 'ProgressReported': {
      const action = index.actions.get(event.data.actionId)?.action
      const d = event.data
      // Equal effective dates: the later recording (this one, as events come in order) wins.
      if (action && (!action.progress || d.effectiveDate >= action.progress.effectiveDate)) {
        action.progress = {
          status: d.status,
          percentComplete: d.percentComplete,
          note: d.note,
          furtherAction: d.furtherAction,
          effectiveDate: d.effectiveDate,
          recordedAt: recorded.recordedAt,
        }
      }
      return state
    }
    case 'RagSet': {
      const action = index.actions.get(event.data.actionId)?.action
      if (!action) return state
      const d = event.data
      if (!action.ragDecision || d.effectiveDate >= action.ragDecision.effectiveDate) {
        action.rag = d.rag
        action.ragDecision = { rag: d.rag, effectiveDate: d.effectiveDate, reason: d.reason, actor: actorRef(recorded.actor), recordedAt: recorded.recordedAt }
      }
      // A RAG set settles every proposal recorded before it.
      action.proposedRag = null
      return state
    }
    case 'RagProposalRejected': {
      // The proposal is closed; the RAG in force stays.
      const action = index.actions.get(event.data.actionId)?.action
      if (action) action.proposedRag = null
      return state
    }
    case 'RagProposed': {
      const action = index.actions.get(event.data.actionId)?.action
      if (action) action.proposedRag = { rag: event.data.rag, reason: event.data.reason, actor: actorRef(recorded.actor), recordedAt: recorded.recordedAt }
      return state
    }
    default:
      return state
  }
}

/**
 * The plan state from a plan's events (in stream order): as recorded at `asOf`, effective on
 * `effectiveOn`. Null when the plan had not been created as of `asOf`.
 */
export function projectPlanState(events: Iterable<RecordedPlanEvent>, options: PlanStateOptions): PlanState | null {
  const asOf = new Date(instantMs(options.asOf)).toISOString()
  const normalised = { asOf, effectiveOn: options.effectiveOn }
  let state: PlanState | null = null
  for (const event of events) state = applyToPlanState(state, event, normalised)
  if (!state) return null
  state.asOf = asOf
  state.effectiveOn = options.effectiveOn
  return state
}

/** Every action of a state with its grid and objective, in the plan's order. */
export function* actionsInOrder(state: PlanState): Generator<{ grid: GridState; objective: ObjectiveState; action: ActionState }> {
  for (const grid of state.grids) for (const objective of grid.objectives) for (const action of objective.actions) yield { grid, objective, action }
}

/** Owner labels of the state's (live) actions, first spelling kept, compared as owners are (case-insensitively). */
export function ownerLabelsOf(state: PlanState): string[] {
  return distinctOwners(liveOwners(state))
}

function* liveOwners(state: PlanState): Generator<string> {
  for (const { action } of actionsInOrder(state)) yield* action.owners
}
