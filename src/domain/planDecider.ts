// The plan aggregate as a decider: initialState, evolve, decide. Pure functions, no I/O,
// no framework. One plan is one consistency boundary (one event stream).
import type { Principal } from './actor.js'
import type { PlanCommand } from './commands.js'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from './errors.js'
import type { BudgetLine, PlanEvent } from './events.js'
import { MAX_GRID_NUMBER, MAX_ITEM_NUMBER, MAX_SHORT_TEXT, MAX_TEXT } from './limits.js'
import { defaultPlanTitle } from './planTitle.js'
import { isPlanEditor } from './roles.js'
import { requireCalendarDate } from './values/calendarDate.js'
import { deriveDue } from './values/due.js'
import { parseFinancialYear, type FinancialYear } from './values/financialYear.js'
import { parseMoney } from './values/money.js'
import { distinctOwners, normaliseOwners, sameOwner } from './values/owners.js'
import { maySeePlan, type PlanScope } from './visibility.js'
import { PROGRESS_STATUSES, RAGS, type ProgressStatus, type Rag } from './values/types.js'

interface ActionFacts {
  gridId: string
  objectiveId: string
  owners: string[]
  withdrawn: boolean
}

/** What deciding needs to know about a plan; the read models hold the rest. */
export interface PlanDecisionState {
  planId: string | null
  partnership: string | null
  year: FinancialYear | null
  gridNumbers: Map<number, string>
  grids: Set<string>
  objectives: Map<string, { gridId: string }>
  actions: Map<string, ActionFacts>
}

export interface DecideContext {
  actor: Principal
  /** Today's Europe/London date, the default effective date and the latest one allowed. */
  today: string
}

export function initialState(): PlanDecisionState {
  return { planId: null, partnership: null, year: null, gridNumbers: new Map(), grids: new Set(), objectives: new Map(), actions: new Map() }
}

/** A copy that can be evolved without touching `state` (deciding a batch against a scratch state). */
export function copyState(state: PlanDecisionState): PlanDecisionState {
  return {
    ...state,
    gridNumbers: new Map(state.gridNumbers),
    grids: new Set(state.grids),
    objectives: new Map(state.objectives),
    actions: new Map([...state.actions].map(([id, a]) => [id, { ...a, owners: [...a.owners] }])),
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
    default:
      return state
  }
}

export function fold(events: Iterable<PlanEvent>, state = initialState()): PlanDecisionState {
  for (const e of events) evolve(state, e)
  return state
}

// ---- validation helpers -------------------------------------------------------------------

function text(value: unknown, path: string, { required = true, max = MAX_TEXT } = {}): string {
  if (typeof value !== 'string') throw ValidationError.field(path, 'must be a string')
  const trimmed = value.trim()
  if (required && trimmed.length === 0) throw ValidationError.field(path, 'must not be empty')
  if (trimmed.length > max) throw ValidationError.field(path, `must be at most ${max} characters`)
  return trimmed
}

function optionalText(value: unknown, path: string, max = MAX_TEXT): string | null {
  if (value === undefined || value === null) return null
  const t = text(value, path, { required: false, max })
  return t.length ? t : null
}

function itemNumber(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null
  const t = text(value, path, { required: false, max: MAX_ITEM_NUMBER })
  return t.length ? t : null
}

function outcomes(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw ValidationError.field(path, 'must be a list of strings')
  return value.map((v, i) => text(v, `${path}.${i}`)).filter(Boolean)
}

function rag(value: unknown, path: string): Rag {
  if (typeof value !== 'string' || !RAGS.includes(value as Rag)) throw ValidationError.field(path, 'must be one of red, amber, green')
  return value as Rag
}

function effectiveDate(value: unknown, path: string, ctx: DecideContext): string {
  if (value === undefined || value === null) return ctx.today
  if (typeof value !== 'string') throw ValidationError.field(path, 'must be a date as YYYY-MM-DD')
  const date = requireCalendarDate(value, path)
  if (date > ctx.today) throw ValidationError.field(path, `must not be in the future (today is ${ctx.today})`)
  return date
}

function ownerList(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw ValidationError.field(path, 'must be a list of owner labels')
  value.forEach((v, i) => text(v, `${path}.${i}`, { max: MAX_SHORT_TEXT }))
  return normaliseOwners(value as string[])
}

function collect(checks: Array<() => void>): void {
  const errors: FieldError[] = []
  for (const check of checks) {
    try {
      check()
    } catch (e) {
      if (e instanceof ValidationError) errors.push(...e.errors)
      else throw e
    }
  }
  if (errors.length) throw new ValidationError(errors)
}

// ---- guards on state ----------------------------------------------------------------------

function requirePlan(state: PlanDecisionState): { planId: string; year: FinancialYear } {
  if (!state.planId || !state.year) throw new NotFoundError('plan', '(this stream)')
  return { planId: state.planId, year: state.year }
}

function requireGrid(state: PlanDecisionState, gridId: string): void {
  if (!state.grids.has(gridId)) throw new NotFoundError('grid', gridId)
}

function requireObjective(state: PlanDecisionState, objectiveId: string): { gridId: string } {
  const objective = state.objectives.get(objectiveId)
  if (!objective) throw new NotFoundError('objective', objectiveId)
  return objective
}

function requireAction(state: PlanDecisionState, actionId: string): ActionFacts {
  const action = state.actions.get(actionId)
  if (!action) throw new NotFoundError('action', actionId)
  if (action.withdrawn) throw new ConflictError(`action ${actionId} was withdrawn`)
  return action
}

/** Commissioners and admins edit the plan; providers only report on actions they own. */
function requireEditor(ctx: DecideContext, what: string): void {
  if (!isPlanEditor(ctx.actor.role)) throw new ForbiddenError(`${ctx.actor.role} may not ${what}`)
}

function requireReporter(ctx: DecideContext, action: ActionFacts, actionId: string, what: string): void {
  if (isPlanEditor(ctx.actor.role)) return
  if (ctx.actor.role !== 'provider') throw new ForbiddenError(`${ctx.actor.role} may not ${what}`)
  const owns = action.owners.some(owner => ctx.actor.owners.some(label => sameOwner(owner, label)))
  if (!owns) throw new ForbiddenError(`action ${actionId} is not owned by any of this provider's labels`)
}

function budgetLines(lines: unknown): BudgetLine[] {
  if (!Array.isArray(lines) || lines.length === 0) throw ValidationError.field('lines', 'must be a non-empty list of budget lines')
  return lines as BudgetLine[]
}

// ---- decide -------------------------------------------------------------------------------

export function decide(command: PlanCommand, state: PlanDecisionState, ctx: DecideContext): PlanEvent[] {
  switch (command.type) {
    case 'CreatePlan': {
      requireEditor(ctx, 'create plans')
      if (state.planId) throw new ConflictError(`plan ${state.planId} already exists`)
      let partnership = ''
      let year = ''
      let title = ''
      collect([
        () => (partnership = text(command.partnership, 'partnership', { max: MAX_SHORT_TEXT })),
        () => (year = parseFinancialYear(command.year).label),
        () => (title = optionalText(command.title, 'title', MAX_SHORT_TEXT) ?? ''),
      ])
      if (!title) title = defaultPlanTitle(year)
      return [{ type: 'PlanCreated', data: { planId: command.planId, partnership, year, title, ...(command.source ? { source: command.source } : {}) } }]
    }
    case 'AddGrid': {
      requireEditor(ctx, 'add grids')
      const { planId } = requirePlan(state)
      let title = ''
      collect([
        () => {
          if (!Number.isInteger(command.number) || command.number < 0 || command.number > MAX_GRID_NUMBER) {
            throw ValidationError.field('number', `must be a whole number from 0 to ${MAX_GRID_NUMBER}`)
          }
        },
        () => (title = text(command.title, 'title', { max: MAX_SHORT_TEXT })),
      ])
      if (state.gridNumbers.has(command.number)) throw new ConflictError(`grid number ${command.number} is already used in this plan`, 'number')
      if (state.grids.has(command.gridId)) throw new ConflictError(`grid ${command.gridId} already exists`)
      return [{ type: 'GridAdded', data: { planId, gridId: command.gridId, number: command.number, title, ...src(command) } }]
    }
    case 'RecordGridNarrative': {
      requireEditor(ctx, 'edit grids')
      const { planId } = requirePlan(state)
      requireGrid(state, command.gridId)
      const body = text(command.text, 'text')
      return [{ type: 'GridNarrativeRecorded', data: { planId, gridId: command.gridId, section: command.section, text: body, ...src(command) } }]
    }
    case 'RateSelfAssessment': {
      requireEditor(ctx, 'edit grids')
      const { planId } = requirePlan(state)
      requireGrid(state, command.gridId)
      let statement = ''
      let rating: Rag = 'red'
      collect([() => (statement = text(command.statement, 'statement')), () => (rating = rag(command.rag, 'rag'))])
      return [{ type: 'SelfAssessmentRated', data: { planId, gridId: command.gridId, statement, rag: rating, ...src(command) } }]
    }
    case 'RecordGridBudget': {
      requireEditor(ctx, 'edit grids')
      const { planId } = requirePlan(state)
      requireGrid(state, command.gridId)
      return [{ type: 'GridBudgetRecorded', data: { planId, gridId: command.gridId, lines: budgetLines(command.lines), ...src(command) } }]
    }
    case 'AddObjective': {
      requireEditor(ctx, 'add objectives')
      const { planId } = requirePlan(state)
      requireGrid(state, command.gridId)
      let number: string | null = null
      let body = ''
      let outs: string[] = []
      collect([
        () => (number = itemNumber(command.number, 'number')),
        () => (body = text(command.text, 'text')),
        () => (outs = outcomes(command.outcomes, 'outcomes')),
      ])
      if (state.objectives.has(command.objectiveId)) throw new ConflictError(`objective ${command.objectiveId} already exists`)
      return [{ type: 'ObjectiveAdded', data: { planId, gridId: command.gridId, objectiveId: command.objectiveId, number, text: body, outcomes: outs, ...src(command) } }]
    }
    case 'ReviseObjective': {
      requireEditor(ctx, 'revise objectives')
      const { planId } = requirePlan(state)
      const { gridId } = requireObjective(state, command.objectiveId)
      const changes: { number?: string | null; text?: string; outcomes?: string[] } = {}
      collect([
        () => command.number !== undefined && (changes.number = itemNumber(command.number, 'number')),
        () => command.text !== undefined && (changes.text = text(command.text, 'text')),
        () => command.outcomes !== undefined && (changes.outcomes = outcomes(command.outcomes, 'outcomes')),
      ])
      if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'name at least one of number, text, outcomes')
      return [{ type: 'ObjectiveRevised', data: { planId, gridId, objectiveId: command.objectiveId, changes } }]
    }
    case 'AddAction': {
      requireEditor(ctx, 'add actions')
      const { planId, year } = requirePlan(state)
      const { gridId } = requireObjective(state, command.objectiveId)
      let number: string | null = null
      let body = ''
      let owners: string[] = []
      let dueWords = ''
      let costWords = ''
      collect([
        () => (number = itemNumber(command.number, 'number')),
        () => (body = text(command.text, 'text')),
        () => (owners = ownerList(command.owners, 'owners')),
        () => (dueWords = optionalText(command.due, 'due', MAX_SHORT_TEXT) ?? ''),
        () => (costWords = optionalText(command.cost, 'cost', MAX_SHORT_TEXT) ?? ''),
      ])
      if (state.actions.has(command.actionId)) throw new ConflictError(`action ${command.actionId} already exists`)
      return [
        {
          type: 'ActionAdded',
          data: {
            planId,
            gridId,
            objectiveId: command.objectiveId,
            actionId: command.actionId,
            number,
            text: body,
            due: deriveDue(dueWords, year),
            owners,
            cost: parseMoney(costWords),
            ...src(command),
          },
        },
      ]
    }
    case 'ReviseAction': {
      requireEditor(ctx, 'revise actions')
      const { planId, year } = requirePlan(state)
      const action = requireAction(state, command.actionId)
      const changes: { number?: string | null; text?: string; due?: ReturnType<typeof deriveDue>; cost?: ReturnType<typeof parseMoney> } = {}
      collect([
        () => command.number !== undefined && (changes.number = itemNumber(command.number, 'number')),
        () => command.text !== undefined && (changes.text = text(command.text, 'text')),
        () => command.due !== undefined && (changes.due = deriveDue(optionalText(command.due, 'due', MAX_SHORT_TEXT) ?? '', year)),
        () => command.cost !== undefined && (changes.cost = parseMoney(optionalText(command.cost, 'cost', MAX_SHORT_TEXT) ?? '')),
      ])
      if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'name at least one of number, text, due, cost')
      return [{ type: 'ActionRevised', data: { planId, ...ids(action, command.actionId), changes } }]
    }
    case 'WithdrawAction': {
      requireEditor(ctx, 'withdraw actions')
      const { planId } = requirePlan(state)
      const action = requireAction(state, command.actionId)
      const reason = optionalText(command.reason, 'reason', MAX_SHORT_TEXT)
      return [{ type: 'ActionWithdrawn', data: { planId, ...ids(action, command.actionId), reason } }]
    }
    case 'AssignOwner': {
      requireEditor(ctx, 'assign owners')
      const { planId } = requirePlan(state)
      const action = requireAction(state, command.actionId)
      const [owner] = normaliseOwners([text(command.owner, 'owner', { max: MAX_SHORT_TEXT })])
      if (action.owners.some(o => sameOwner(o, owner))) return []
      return [{ type: 'OwnerAssigned', data: { planId, ...ids(action, command.actionId), owner } }]
    }
    case 'UnassignOwner': {
      requireEditor(ctx, 'unassign owners')
      const { planId } = requirePlan(state)
      const action = requireAction(state, command.actionId)
      const wanted = text(command.owner, 'owner', { max: MAX_SHORT_TEXT })
      const owner = action.owners.find(o => sameOwner(o, wanted))
      if (!owner) throw new NotFoundError('owner', wanted)
      return [{ type: 'OwnerUnassigned', data: { planId, ...ids(action, command.actionId), owner } }]
    }
    case 'ReportProgress': {
      const { planId } = requirePlan(state)
      const action = requireAction(state, command.actionId)
      requireReporter(ctx, action, command.actionId, 'report progress')
      let date = ''
      let note = ''
      let status: ProgressStatus | null = null
      let percent: number | null = null
      let further: string | null = null
      collect([
        () => {
          if (command.effectiveDate === undefined || command.effectiveDate === null) throw ValidationError.field('effectiveDate', 'is required')
          date = effectiveDate(command.effectiveDate, 'effectiveDate', ctx)
        },
        () => (note = text(command.note, 'note')),
        () => {
          if (command.status === undefined || command.status === null) return
          if (!PROGRESS_STATUSES.includes(command.status as ProgressStatus)) {
            throw ValidationError.field('status', `must be one of ${PROGRESS_STATUSES.join(', ')}`)
          }
          status = command.status as ProgressStatus
        },
        () => {
          const p = command.percentComplete
          if (p === undefined || p === null) return
          if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 100) {
            throw ValidationError.field('percentComplete', 'must be a whole number from 0 to 100')
          }
          percent = p
        },
        () => (further = optionalText(command.furtherAction, 'furtherAction')),
      ])
      return [
        {
          type: 'ProgressReported',
          data: { planId, ...ids(action, command.actionId), effectiveDate: date, status, percentComplete: percent, note, furtherAction: further, ...src(command) },
        },
      ]
    }
    case 'SetRag': {
      requireEditor(ctx, 'set a RAG rating (providers propose one)')
      const { planId } = requirePlan(state)
      const action = requireAction(state, command.actionId)
      return [{ type: 'RagSet', data: { planId, ...ids(action, command.actionId), ...rating(command, ctx), ...src(command) } }]
    }
    case 'ProposeRag': {
      const { planId } = requirePlan(state)
      const action = requireAction(state, command.actionId)
      requireReporter(ctx, action, command.actionId, 'propose a RAG rating')
      return [{ type: 'RagProposed', data: { planId, ...ids(action, command.actionId), ...rating(command, ctx) } }]
    }
  }
}

/** The rating, effective date and reason of a SetRag or ProposeRag, every bad field named at once. */
function rating(command: { rag: unknown; effectiveDate?: unknown; reason?: unknown }, ctx: DecideContext): { rag: Rag; effectiveDate: string; reason: string | null } {
  let value: Rag = 'red'
  let date = ''
  let reason: string | null = null
  collect([
    () => (value = rag(command.rag, 'rag')),
    () => (date = effectiveDate(command.effectiveDate, 'effectiveDate', ctx)),
    () => (reason = optionalText(command.reason, 'reason')),
  ])
  return { rag: value, effectiveDate: date, reason }
}

function ids(action: ActionFacts, actionId: string): { gridId: string; objectiveId: string; actionId: string } {
  return { gridId: action.gridId, objectiveId: action.objectiveId, actionId }
}

function src(command: { source?: unknown }): { source?: never } {
  return (command.source ? { source: command.source } : {}) as { source?: never }
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
