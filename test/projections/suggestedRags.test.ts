// withSuggestedRags: the read-time addition a cache of folded states calls per answer. It must
// leave the (cached or stored) state untouched and depend only on (state, date).
import t from 'tap'
import { projectPlanState, type PlanState } from '../../src/projections/folds/planState.js'
import { suggestionDate, withSuggestedRags } from '../../src/projections/folds/suggestedRags.js'
import type { RecordedPlanEvent } from '../../src/projections/recordedEvent.js'
import type { PlanEvent } from '../../src/domain/events.js'

const P = 'plan-1'
const ids = { planId: P, gridId: 'g1', objectiveId: 'o1', actionId: 'a1' }
const events: PlanEvent[] = [
  { type: 'PlanCreated', data: { planId: P, partnership: 'Ealing DAAT', year: '2008/09', title: 'Plan' } },
  { type: 'GridAdded', data: { planId: P, gridId: 'g1', number: 1, title: 'Harm reduction' } },
  { type: 'ObjectiveAdded', data: { planId: P, gridId: 'g1', objectiveId: 'o1', number: '1', text: 'Reduce deaths', outcomes: [] } },
  { type: 'ActionAdded', data: { ...ids, number: '1.1', text: 'Train staff', due: { text: 'Qtr 2', from: '2008-07-01', to: '2008-09-30' }, owners: ['CNWL'], cost: { text: '', pence: null } } },
  { type: 'ProgressReported', data: { ...ids, effectiveDate: '2008-07-20', status: 'in_progress', percentComplete: 50, note: 'Half', furtherAction: null } },
]
const recorded: RecordedPlanEvent[] = events.map((event, i) => ({
  id: `e${i}`, streamId: `plan-${P}`, version: i + 1, position: i + 1, recordedAt: `2008-07-20T09:00:0${i}.000Z`,
  actor: { tokenId: null, role: 'admin', label: 'test' }, metadata: {}, event,
}))

t.test('a copy for the date; the state itself untouched', async t => {
  const state = projectPlanState(recorded, { asOf: '2008-10-05T12:00:00.000Z', effectiveOn: '2008-10-05' }) as PlanState
  const before = JSON.stringify(state)
  const july = withSuggestedRags(state, '2008-07-20')
  const october = withSuggestedRags(state)
  t.equal(JSON.stringify(state), before, 'the folded state is not changed')
  t.notOk('suggestedRag' in state.grids[0].objectives[0].actions[0])
  t.equal(july.grids[0].objectives[0].actions[0].suggestedRag?.rag, 'amber', 'on 20 July: 50% done, 61% of the time gone')
  t.equal(suggestionDate(state), '2008-10-05')
  t.equal(october.grids[0].objectives[0].actions[0].suggestedRag?.rag, 'red', 'by default for the read date: overdue')
  t.same(withSuggestedRags(state, '2008-07-20'), july, 'the same (state, date), the same answer')
  t.equal(suggestionDate({ asOf: '2008-10-05T12:00:00.000Z', effectiveOn: '2008-07-20' }), '2008-07-20', 'an earlier effectiveOn is the date')
})
