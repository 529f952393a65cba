// Which plans a principal may see: one rule (domain/visibility.ts) for the decider's state,
// the plan catalogue's entries and the plan state the read side folds.
import t from 'tap'
import type { Principal } from '../../src/domain/actor.js'
import type { PlanEvent } from '../../src/domain/events.js'
import { canSee, fold, planOwnerLabels } from '../../src/domain/planDecider.js'
import { maySeePlan, planVisibility } from '../../src/domain/visibility.js'
import { ownerLabelsOf, projectPlanState } from '../../src/projections/folds/planState.js'
import type { RecordedPlanEvent } from '../../src/projections/recordedEvent.js'
import { growthRatio, LINEAR_RATIO } from '../support/growth.js'

const P = 'plan-1'
const provider = (...owners: string[]): Principal => ({ tokenId: 'tok-p', role: 'provider', label: 'system', owners })

/** A plan whose actions (50 owners each) name `labels` distinct owner labels, none of them the reader's. */
function planWithLabels(labels: number): PlanEvent[] {
  const events: PlanEvent[] = [
    { type: 'PlanCreated', data: { planId: P, partnership: 'Ealing DAAT', year: '2008/09', title: 'Plan' } },
    { type: 'GridAdded', data: { planId: P, gridId: 'g1', number: 1, title: 'Grid' } },
    { type: 'ObjectiveAdded', data: { planId: P, gridId: 'g1', objectiveId: 'o1', number: null, text: 'Objective', outcomes: [] } },
  ]
  for (let a = 0; a * 50 < labels; a++) {
    const owners = Array.from({ length: Math.min(50, labels - a * 50) }, (_, i) => `Agency ${a * 50 + i}`)
    events.push({
      type: 'ActionAdded',
      data: {
        planId: P, gridId: 'g1', objectiveId: 'o1', actionId: `a${a}`, number: null, text: 'Action',
        due: { text: '', from: null, to: null }, owners, cost: { text: '', pence: null },
      },
    })
  }
  return events
}

const recorded = (events: PlanEvent[]): RecordedPlanEvent[] =>
  events.map((event, i) => ({
    id: `e${i}`, streamId: `plan-${P}`, version: i + 1, position: i + 1, recordedAt: '2008-05-01T09:00:00.000Z',
    actor: { tokenId: null, role: 'commissioner', label: null }, metadata: {}, event,
  }))

t.test('one rule: editors and auditors see every plan, a provider the plans where a label of theirs owns a live action', async t => {
  const plan = { partnership: 'Ealing DAAT', ownerLabels: ['CNWL', 'Turning  Point'] }
  t.ok(maySeePlan({ tokenId: null, role: 'auditor', label: null, owners: [] }, plan))
  t.ok(maySeePlan({ tokenId: null, role: 'commissioner', label: null, owners: [] }, plan))
  t.ok(maySeePlan(provider('cnwl'), plan), 'case-insensitive')
  t.ok(maySeePlan(provider(' turning point '), plan), 'whitespace collapsed, as owners are compared everywhere')
  t.notOk(maySeePlan(provider('WDP'), plan))
  t.notOk(maySeePlan(provider('Turning'), plan), 'a whole label, not a part of one')
  const visible = planVisibility(provider('WDP', 'dm'))
  t.same([plan, { partnership: 'X', ownerLabels: ['DM'] }].map(visible), [false, true], 'one test, many plans (the catalogue listing)')
})

t.test('the decider, the read side and the catalogue agree on a plan\'s owner labels', async t => {
  const events: PlanEvent[] = [...planWithLabels(3), { type: 'OwnerAssigned', data: { planId: P, gridId: 'g1', objectiveId: 'o1', actionId: 'a0', owner: 'agency 1' } }]
  const state = projectPlanState(recorded(events), { asOf: '2008-06-01T00:00:00Z', effectiveOn: '2008-06-01' })!
  t.same(planOwnerLabels(fold(events)), ['Agency 0', 'Agency 1', 'Agency 2'], 'first spelling kept')
  t.same(ownerLabelsOf(state), planOwnerLabels(fold(events)))
  t.ok(canSee(fold(events), provider('AGENCY 2')))
})

t.test('a provider read of a plan with many owner labels costs time linear in them (n vs 4n)', async t => {
  const reader = provider('Someone else')
  const decider = growthRatio(size => {
    const state = fold(planWithLabels(size))
    return () => canSee(state, reader)
  }, 1000)
  t.ok(decider < LINEAR_RATIO, `decider's visibility: cost ratio ${decider.toFixed(1)} at 4n vs n`)
  const labels = growthRatio(size => {
    const state = fold(planWithLabels(size))
    return () => planOwnerLabels(state)
  }, 1000)
  t.ok(labels < LINEAR_RATIO, `planOwnerLabels: cost ratio ${labels.toFixed(1)} at 4n vs n`)
  const readSide = growthRatio(size => {
    const state = projectPlanState(recorded(planWithLabels(size)), { asOf: '2008-06-01T00:00:00Z', effectiveOn: '2008-06-01' })!
    return () => ownerLabelsOf(state)
  }, 1000)
  t.ok(readSide < LINEAR_RATIO, `ownerLabelsOf (the catalogue's): cost ratio ${readSide.toFixed(1)} at 4n vs n`)
})
