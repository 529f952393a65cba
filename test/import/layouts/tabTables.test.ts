import t from 'tap'
import { importThroughTheApp, layout, parsed, recordedAction, shape } from './support.js'

// Thamesmead and Marshgate DAAT, adult drug treatment plan 2008/09 (test/fixtures/layouts/tab-tables.txt):
// tab-separated tables, one per objective, each with its own header row "No. | Action | Lead officer |
// Target date | Resources (£) | Status"; sections "PLANNING SECTION ONE: …" in words; objectives
// "Aim 1a: …" numbered with a letter; actions numbered 1, 2, 3 afresh under each aim.
//
// Hand count, by reading the document:
// - Partnership: line 1, "Thamesmead and Marshgate DAAT". Year: line 2, 2008/09. Published: line 3, 14 April 2008.
// - Grids: "PLANNING SECTION ONE" (line 5) and "PLANNING SECTION TWO" (line 16).
// - Objectives: 1a, 1b in grid 1; 2a in grid 2.
// - Actions: the rows under each header: 1a 3 (lines 8–10), 1b 2 (lines 13–14), 2a 3 (lines 19–21).
// - Nothing is skipped or guessed: no warnings.
const text = layout('tab-tables.txt')

t.test('tab tables: grids, objectives and actions as counted by hand', async t => {
  const { plan, warnings } = parsed(t, text)
  t.equal(plan.partnership, 'Thamesmead and Marshgate DAAT')
  t.equal(plan.year, '2008/09')
  t.equal(plan.published, '2008-04-14')
  t.same(shape(plan), [
    [1, 'Commissioning the treatment system', [['1a', 3], ['1b', 2]]],
    [2, 'Criminal justice', [['2a', 3]]],
  ])
  t.same(warnings, [], 'nothing skipped or guessed')
  t.equal(plan.grids[0].objectives[0].text, 'Commission a recovery-focused system within the pooled treatment budget')
  t.same(plan.grids[0].objectives[1].actions.map(a => a.number), ['1', '2'], 'numbers as written, afresh under each aim')
  t.equal(plan.grids[1].objectives[0].actions[0].line, 19)
})

t.test('tab tables: imported through the app, cells as recorded', async t => {
  const { counts, warnings, plan } = await importThroughTheApp(t, text)
  t.same(counts, { grids: 2, objectives: 3, actions: 8 })
  t.same(warnings, [])
  t.equal(plan.partnership, 'Thamesmead and Marshgate DAAT')
  t.match(recordedAction(plan, 1, 1, 1), { number: '1', text: 'Re-tender the structured day programme', due: { text: 'October 2008', from: '2008-10-01', to: '2008-10-31' }, owners: ['DAAT Co-ordinator'], cost: { text: '£85,000', pence: 8_500_000 }, rag: 'amber' })
  t.match(recordedAction(plan, 1, 1, 2), { due: { text: 'Jun-08', from: '2008-06-01', to: '2008-06-30' }, owners: ['Treatment Services Group'], cost: { text: 'Within existing resources', pence: null }, rag: 'green' })
  t.match(recordedAction(plan, 1, 1, 3), { due: { text: 'Quarterly', from: null, to: null }, cost: { text: 'Officer time', pence: null } })
  t.match(recordedAction(plan, 1, 2, 2), { text: 'Hold two open commissioning events each year', due: { text: 'Sept 2008 and March 2009' }, owners: ['Service User Forum'], cost: { pence: 80_000 }, rag: 'red' })
  t.match(recordedAction(plan, 2, 1, 1), { owners: ['Probation', 'CJIT'], cost: { text: 'DIP funding', pence: null }, due: { text: 'Ongoing', from: null, to: null }, rag: 'amber' })
  t.match(recordedAction(plan, 2, 1, 2), { due: { text: 'Q3 2008/09', from: '2008-10-01', to: '2008-12-31' }, cost: { pence: 320_000 }, rag: 'amber' })
  t.match(recordedAction(plan, 2, 1, 3), { due: { text: 'Qtr 4', from: '2009-01-01', to: '2009-03-31' }, cost: { text: 'Nil' }, rag: 'green' })
})
