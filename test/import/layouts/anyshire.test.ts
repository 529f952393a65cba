import t from 'tap'
import { readFileSync } from 'node:fs'
import { parseDocx } from '../../../src/import/docx/parseDocx.js'
import { importThroughTheApp, layout, parsed, recordedAction, shape } from './support.js'

// "Anyshire" (test/fixtures/layouts/anyshire.txt): the plan issue 19 was filed about, rewritten with
// every feature the issue lists: grids headed "SECTION A – COMMISSIONING THE TREATMENT SYSTEM" (a
// letter and an en dash, capitals), objectives "Priority A1: …" each with an "Expected outcome: …"
// line, tab tables "Ref | Action | Lead | Timescale | Resources | RAG" with refs "A1.1" and
// single-letter RAG, a closing budget summary "Section | 2009/10 planned | 2009/10 outturn |
// 2010/11 planned" with money in every cell, and "ANYSHIRE DRUG & ALCOHOL ACTION TEAM" naming the
// partnership.
//
// Hand count, by reading the document:
// - Partnership: line 1. Year: line 3, 2010/11. Line 5 ("Part 3: Planning grids") is before the first grid.
// - Grids: "SECTION A" (line 7) → 1, "SECTION B" (line 24) → 2.
// - Objectives: A1 (line 9), A2 (line 17); B1 (line 26); one expected outcome each (lines 10, 18, 27).
// - Actions: the rows under each "Ref" header: A1.1–A1.3 (lines 13–15), A2.1–A2.2 (21–22), B1.1–B1.2 (30–31).
// - Not actions: the budget summary (lines 33–38): its header and three rows of money.
const text = layout('anyshire.txt')

t.test('Anyshire: grids, objectives and actions as counted by hand', async t => {
  const { plan, warnings } = parsed(t, text)
  t.equal(plan.partnership, 'ANYSHIRE DRUG & ALCOHOL ACTION TEAM', 'the partnership as people name it')
  t.equal(plan.year, '2010/11')
  t.same(shape(plan), [
    [1, 'COMMISSIONING THE TREATMENT SYSTEM', [['A1', 3], ['A2', 2]]],
    [2, 'REDUCING HARM', [['B1', 2]]],
  ])
  t.same(plan.grids.flatMap(g => g.objectives.map(o => o.outcomes)), [
    ['a treatment system re-shaped around recovery by March 2011'],
    ['NDTMS data complete and on time every month'],
    ['fewer drug-related deaths than the 14 recorded in 2009'],
  ], 'each priority keeps its "Expected outcome:" line')
  t.equal(plan.grids[0].objectives[1].text, 'Improve the quality of treatment data', 'the second priority is an objective, not narrative')
  t.same(plan.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(a => [a.number, a.line]))), [
    ['A1.1', 13], ['A1.2', 14], ['A1.3', 15], ['A2.1', 21], ['A2.2', 22], ['B1.1', 30], ['B1.2', 31],
  ], 'the Ref column numbers the actions')
  const owners = plan.grids.flatMap(g => g.objectives.flatMap(o => o.actions.flatMap(a => a.owners)))
  t.notOk(owners.some(o => /^[£\d]/.test(o)), 'the budget summary gives no owners such as "£1" or "402"')
  t.notOk(warnings.some(w => /no recognised column|without a header row/.test(w)), warnings.join('\n'))
  t.ok(warnings.includes('line 5: text before the first grid heading not recorded: "Part 3: Planning grids"'))
})

t.test('Anyshire: imported through the app, cells as recorded', async t => {
  const { counts, plan } = await importThroughTheApp(t, text)
  t.same(counts, { grids: 2, objectives: 3, actions: 7 }, 'the budget summary is not actions')
  t.match(recordedAction(plan, 1, 1, 1), { number: 'A1.1', owners: ['Commissioning Manager'], due: { text: 'October 2010', from: '2010-10-01', to: '2010-10-31' }, cost: { text: '£1,150,000', pence: 115_000_000 }, rag: 'amber' })
  t.match(recordedAction(plan, 1, 1, 3), { number: 'A1.3', owners: ['Shared Care Lead', 'PCT'], due: { text: 'Q3', from: '2010-10-01', to: '2010-12-31' }, cost: { text: 'Within existing resources', pence: null }, rag: 'amber' })
  t.match(recordedAction(plan, 1, 2, 2), { number: 'A2.2', due: { from: '2010-07-01', to: '2010-07-31' }, cost: { pence: 150_000 }, rag: 'red' })
  t.match(recordedAction(plan, 2, 1, 1), { number: 'B1.1', owners: ['Harm Reduction Lead', 'HMP Anyshire'], cost: { pence: 650_000 }, rag: 'green' })
  t.match(recordedAction(plan, 2, 1, 2), { number: 'B1.2', due: { text: 'Ongoing', from: null, to: null }, cost: { text: 'Nil' }, rag: 'amber' })
})

t.test('Anyshire as the Word file it was (anyshire.docx, made by make-docx.ts): the same hand count and cells', async t => {
  const docx = await parseDocx(readFileSync(new URL('../../fixtures/layouts/anyshire.docx', import.meta.url)))
  if (!docx.ok) throw new Error(docx.reason)
  const { plan } = parsed(t, text)
  t.same(shape(docx.plan), shape(plan), 'grids A and B, priorities A1 (3), A2 (2), B1 (2): the budget table is not actions')
  const cells = (p: typeof plan) => p.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(a => [a.number, a.text, a.due, a.byWhom, a.cost, a.rag])))
  t.same(cells(docx.plan), cells(plan))
  t.equal(docx.plan.partnership, 'ANYSHIRE DRUG & ALCOHOL ACTION TEAM')
})
