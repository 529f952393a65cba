import t from 'tap'
import { importThroughTheApp, layout, parsed, recordedAction, shape } from './support.js'

// Eastholme Drug Action Team, adult drug treatment plan 2009/10 (test/fixtures/layouts/landscape-split.txt):
// one landscape table per grid, as a PDF-to-text extraction gives it: the table runs over pages, its
// header row "Ref | Action | Lead agency | Complete by | Budget 2009/10 | RAG" repeated at the top of
// each page, with the running header "Eastholme DAT - Treatment Plan 2009/10" and "Page N of 9" between
// the pages; objectives are rows across the table ("Target 1.1: …"); action 1.1.4 breaks across the
// page: "NHS Eastholme /" and its first words on page 2, "attended, within 48 hours" and
// "Ambulance Trust" on page 3 (line 17), under the repeated header.
//
// Hand count, by reading the document:
// - Partnership: line 1. Year: line 2, 2009/10.
// - Grids: "Treatment Plan Grid 1" (line 4) and "Treatment Plan Grid 2" (line 28).
// - Objectives: Target 1.1 (line 7), 1.2 (line 18); Target 2.1 (line 31).
// - Actions: 1.1.1–1.1.4 (lines 8–11, 1.1.4 continued on line 17); 1.2.1–1.2.3 (lines 19, 20, 26);
//   2.1.1–2.1.2 (lines 32–33).
// - Not recorded: the header rows repeated on lines 16, 25 (same table, so the row broken over
//   the page still continues action 1.1.4) and line 30 (grid 2's own table); the running header
//   (lines 13, 22, 35) and the page numbers (14, 23, 36): one warning each.
const text = layout('landscape-split.txt')

t.test('a table split across pages: grids, objectives and actions as counted by hand', async t => {
  const { plan, warnings } = parsed(t, text)
  t.equal(plan.partnership, 'Eastholme Drug Action Team')
  t.equal(plan.year, '2009/10')
  t.same(shape(plan), [
    [1, 'Harm reduction and blood-borne viruses', [['1.1', 4], ['1.2', 3]]],
    [2, 'Workforce development', [['2.1', 2]]],
  ])
  t.same(warnings, [
    'line 13: "Eastholme DAT - Treatment Plan 2009/10" taken as a repeated page header and not recorded (3 times from this line)',
    'line 14: page-number lines such as "Page 3 of 9" not recorded (3 from this line)',
  ])
  const broken = plan.grids[0].objectives[0].actions[3]
  t.equal(broken.number, '1.1.4')
  t.equal(broken.text, 'Agree with the ambulance service to pass on details of every non-fatal overdose attended, within 48 hours', 'the row broken across the page is one action')
  t.equal(broken.byWhom, 'NHS Eastholme / Ambulance Trust')
  t.equal(broken.line, 11)
  t.same(plan.grids[0].objectives.map(o => o.actions.map(a => a.number)), [['1.1.1', '1.1.2', '1.1.3', '1.1.4'], ['1.2.1', '1.2.2', '1.2.3']])
  t.equal(plan.grids[0].objectives[1].actions[2].line, 26, 'the row after the second page break')
  t.notOk(plan.grids.some(g => g.narratives.length), 'no page furniture recorded as narrative')
})

t.test('a table split across pages: imported through the app, cells as recorded', async t => {
  const { counts, plan } = await importThroughTheApp(t, text)
  t.same(counts, { grids: 2, objectives: 3, actions: 9 })
  t.match(recordedAction(plan, 1, 1, 1), { number: '1.1.1', owners: ['Lifeline'], due: { text: 'June 2009', from: '2009-06-01', to: '2009-06-30' }, cost: { text: '£3,600', pence: 360_000 }, rag: 'green' })
  t.match(recordedAction(plan, 1, 1, 4), { number: '1.1.4', owners: ['NHS Eastholme', 'Ambulance Trust'], due: { text: 'December 2009', from: '2009-12-01', to: '2009-12-31' }, rag: 'red' })
  t.match(recordedAction(plan, 1, 2, 1), { owners: ['Lifeline', 'Pharmacies'], due: { text: 'Qtr 2', from: '2009-07-01', to: '2009-09-30' }, cost: { pence: 500_000 }, rag: 'amber' })
  t.match(recordedAction(plan, 1, 2, 2), { due: { text: 'March 2010', from: '2010-03-01', to: '2010-03-31' }, cost: { text: 'PCT funded', pence: null }, rag: 'red' })
  t.match(recordedAction(plan, 2, 1, 2), { text: 'Fund six places on the Certificate in Substance Misuse', due: { text: 'Sept 2009', from: '2009-09-01', to: '2009-09-30' }, cost: { pence: 660_000 }, rag: 'amber' })
})
