// Random plan histories for property tests: abstract steps (which item, how far the clock
// moves, how far back an effective date lies) turned into real commands on the real decider.
// Steps the decider refuses (a withdrawn action, a provider not owning it…) are skipped, as a
// client's refused request records nothing.
import fc from 'fast-check'
import type { Principal } from '../../../src/domain/actor.js'
import { DomainError } from '../../../src/domain/errors.js'
import { londonDate } from '../../../src/domain/values/calendarDate.js'
import { commissioner, PlanScript, provider } from './planScript.js'

const OWNERS = ['CNWL', 'DM', 'Turning Point', 'cnwl', 'ICM']
const DUES = ['Qtr 2', 'Ongoing', 'June 2008', 'Sept 2008 and March 2009', '', 'Quarterly']
const COSTS = ['£4,400', '20K', 'Within resources', '', '50k - TBC']
const RAGS = ['red', 'amber', 'green'] as const
const STATUSES = ['not_started', 'in_progress', 'completed', null] as const
const DAY = 86_400_000

export type Step =
  | { kind: 'grid'; number: number }
  | { kind: 'objective'; grid: number }
  | { kind: 'action'; objective: number; owners: string[]; due: string; cost: string }
  | { kind: 'reviseAction'; action: number; due: string; text: boolean }
  | { kind: 'reviseObjective'; objective: number }
  | { kind: 'withdraw'; action: number }
  | { kind: 'assign'; action: number; owner: string }
  | { kind: 'unassign'; action: number; owner: string }
  | { kind: 'progress'; action: number; daysBack: number; status: (typeof STATUSES)[number]; byProvider: boolean }
  | { kind: 'setRag'; action: number; daysBack: number; rag: (typeof RAGS)[number] }
  | { kind: 'proposeRag'; action: number; daysBack: number; rag: (typeof RAGS)[number]; byProvider: boolean }
  | { kind: 'narrative'; grid: number }
  | { kind: 'selfAssessment'; grid: number; rag: (typeof RAGS)[number] }

export interface TimedStep {
  /** Milliseconds the clock moves before the step (0: recorded at the same instant). */
  dt: number
  step: Step
}

const idx = fc.nat({ max: 30 })
// Often the same few days back, so effective dates tie and the later recording must win.
const daysBack = fc.oneof(fc.constantFrom(0, 1, 7), fc.nat({ max: 150 }))

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('grid' as const), number: fc.nat({ max: 8 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('objective' as const), grid: idx }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('action' as const), objective: idx, owners: fc.subarray(OWNERS, { maxLength: 3 }), due: fc.constantFrom(...DUES), cost: fc.constantFrom(...COSTS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reviseAction' as const), action: idx, due: fc.constantFrom(...DUES), text: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reviseObjective' as const), objective: idx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), action: idx }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('assign' as const), action: idx, owner: fc.constantFrom(...OWNERS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unassign' as const), action: idx, owner: fc.constantFrom(...OWNERS) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('progress' as const), action: idx, daysBack, status: fc.constantFrom(...STATUSES), byProvider: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('setRag' as const), action: idx, daysBack, rag: fc.constantFrom(...RAGS) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('proposeRag' as const), action: idx, daysBack, rag: fc.constantFrom(...RAGS), byProvider: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('narrative' as const), grid: idx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('selfAssessment' as const), grid: idx, rag: fc.constantFrom(...RAGS) }) },
)

export const timedSteps = (maxLength: number): fc.Arbitrary<TimedStep[]> =>
  fc.array(
    fc.record({
      dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 20 * DAY })),
      step: stepArb,
    }),
    { minLength: 1, maxLength, size: 'max' },
  )

/** Items created so far, by kind, for steps to refer to by index. */
export class RandomPlan {
  readonly script: PlanScript
  private readonly grids: string[] = []
  private readonly objectives: string[] = []
  private readonly actions: string[] = []
  private serial = 0

  constructor(planId: string, start = '2008-04-01T08:00:00.000Z') {
    this.script = new PlanScript(planId, start).create('Random DAAT', '2008/09')
  }

  private readonly gridNumbers = new Set<number>()

  private pick(list: string[], i: number): string | null {
    return list.length ? list[i % list.length] : null
  }

  /** A grid by index, adding one when there is none (so every step has something to act on). */
  private grid(i: number): string {
    return this.pick(this.grids, i) ?? this.addGrid(i)
  }

  private addGrid(wanted: number): string {
    let number = wanted
    while (this.gridNumbers.has(number)) number++
    this.gridNumbers.add(number)
    const id = this.script.grid(number, `Grid ${number}`)
    this.grids.push(id)
    return id
  }

  private objective(i: number): string {
    return this.pick(this.objectives, i) ?? this.addObjective(this.grid(i))
  }

  private addObjective(gridId: string): string {
    const n = ++this.serial
    const id = this.script.objective(gridId, `Objective ${n}`, String(n), [`Outcome ${n}`])
    this.objectives.push(id)
    return id
  }

  private action(i: number): string {
    return this.pick(this.actions, i) ?? this.addAction(this.objective(i), { owners: [OWNERS[i % OWNERS.length]], due: DUES[i % DUES.length], cost: COSTS[i % COSTS.length] })
  }

  private addAction(objectiveId: string, fields: { owners: string[]; due: string; cost: string }): string {
    const n = ++this.serial
    const id = this.script.action(objectiveId, { text: `Action ${n}`, number: `${n}.1`, ...fields })
    this.actions.push(id)
    return id
  }

  private effective(back: number): string {
    const today = londonDate(this.script.clock())
    return new Date(Date.parse(`${today}T00:00:00Z`) - back * DAY).toISOString().slice(0, 10)
  }

  /** A provider bound to one owner label (it may or may not own the action), or the commissioner. */
  private reporter(byProvider: boolean, n: number): Principal {
    return byProvider ? provider(OWNERS[n % OWNERS.length]) : commissioner
  }

  /** Applies one step at the clock moved by dt; a refused command records nothing. */
  apply({ dt, step }: TimedStep): void {
    const s = this.script
    s.at(new Date(Date.parse(s.clock()) + dt).toISOString()).as(commissioner)
    const n = ++this.serial
    try {
      switch (step.kind) {
        case 'grid':
          this.addGrid(step.number)
          return
        case 'objective':
          this.addObjective(this.grid(step.grid))
          return
        case 'action':
          this.addAction(this.objective(step.objective), { owners: step.owners, due: step.due, cost: step.cost })
          return
        case 'reviseAction':
          s.run({ type: 'ReviseAction', actionId: this.action(step.action), due: step.due, ...(step.text ? { text: `Revised ${n}` } : {}) })
          return
        case 'reviseObjective':
          s.run({ type: 'ReviseObjective', objectiveId: this.objective(step.objective), text: `Revised objective ${n}` })
          return
        case 'withdraw':
          s.run({ type: 'WithdrawAction', actionId: this.action(step.action), reason: 'random' })
          return
        case 'assign':
        case 'unassign':
          s.run({ type: step.kind === 'assign' ? 'AssignOwner' : 'UnassignOwner', actionId: this.action(step.action), owner: step.owner })
          return
        case 'progress': {
          const actionId = this.action(step.action)
          s.as(this.reporter(step.byProvider, n)).run({ type: 'ReportProgress', actionId, effectiveDate: this.effective(step.daysBack), note: `Note ${n}`, status: step.status, furtherAction: n % 2 ? `Further ${n}` : null })
          return
        }
        case 'setRag':
          s.run({ type: 'SetRag', actionId: this.action(step.action), rag: step.rag, effectiveDate: this.effective(step.daysBack), reason: `Reason ${n}` })
          return
        case 'proposeRag': {
          const actionId = this.action(step.action)
          s.as(this.reporter(step.byProvider, n)).run({ type: 'ProposeRag', actionId, rag: step.rag, effectiveDate: this.effective(step.daysBack) })
          return
        }
        case 'narrative':
          s.run({ type: 'RecordGridNarrative', gridId: this.grid(step.grid), section: 'other', text: `Narrative ${n}` })
          return
        case 'selfAssessment':
          s.run({ type: 'RateSelfAssessment', gridId: this.grid(step.grid), statement: `Statement ${n % 3}`, rag: step.rag })
          return
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
    }
  }
}
