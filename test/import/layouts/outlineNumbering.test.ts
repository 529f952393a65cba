import t from 'tap'
import { parsePlanDocument } from '../../../src/import/index.js'
import { importThroughTheApp, layout, parsed, recordedAction, shape } from './support.js'

// Westbury and Coldharbour Drug & Alcohol Action Team, community drug treatment plan 2012-13
// (test/fixtures/layouts/outline-numbering.txt): plain paragraphs under a multilevel numbering and
// no heading words at all: "1 Treatment system and commissioning" (grid), "1.1 Modernise …"
// (objective), "1.1.1 Re-commission …" (action), each action followed by one line of labelled
// cells "Lead: …; Timescale: …; Cost: …; RAG: …".
//
// Hand count, by reading the document:
// - Partnership: line 1. Year: line 2, "2012-13" → 2012/13.
// - Grids: "1" (line 4), "2" (line 23). Line 6 is grid 1's introduction (narrative).
// - Objectives: 1.1 (line 8), 1.2 (line 16); 2.1 (line 25).
// - Actions: 1.1.1, 1.1.2 (lines 10, 13); 1.2.1, 1.2.2 (lines 18, 21); 2.1.1–2.1.3 (lines 27, 30, 33).
// - 1.2.2 has no label line: an action with no cells, and said so. 2.1.2 has no "Cost:".
const text = layout('outline-numbering.txt')

t.test('two-level numbering in plain paragraphs: grids, objectives and actions as counted by hand', async t => {
  const { plan, warnings } = parsed(t, text)
  t.equal(plan.partnership, 'Westbury and Coldharbour Drug & Alcohol Action Team')
  t.equal(plan.year, '2012/13')
  t.same(shape(plan), [
    [1, 'Treatment system and commissioning', [['1.1', 2], ['1.2', 2]]],
    [2, 'Recovery and reintegration', [['2.1', 3]]],
  ])
  t.same(warnings, ['line 21: action 1.2.2 has no by when, by whom or cost under it; recorded as an action'])
  t.same(plan.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(a => [a.number, a.line]))), [
    ['1.1.1', 10], ['1.1.2', 13], ['1.2.1', 18], ['1.2.2', 21], ['2.1.1', 27], ['2.1.2', 30], ['2.1.3', 33],
  ])
  t.equal(plan.grids[0].objectives[0].text, 'Modernise the prescribing service so that every client has a recovery care plan')
  t.match(plan.grids[0].narratives, [{ section: 'guidance', text: /^In 2011\/12, 1,240 adults/, line: 6 }])
  const a = plan.grids[0].objectives[0].actions[0]
  t.same([a.text, a.byWhom, a.due, a.cost, a.rag], ['Re-commission the specialist prescribing service as one recovery-orientated contract.', 'DAAT Commissioning Manager', 'October 2012', '£640,000', 'amber'])
  t.same(plan.grids[0].objectives[1].actions[1], { ...plan.grids[0].objectives[1].actions[1], due: '', byWhom: '', cost: '', rag: null })
})

t.test('an outline action wrapped onto the next line is one action', async t => {
  const wrapped = text.replace('1.1.1 Re-commission the specialist prescribing service as one recovery-orientated contract.', '1.1.1 Re-commission the specialist prescribing service\nas one recovery-orientated contract.')
  const { plan, warnings } = parsed(t, wrapped)
  t.same(shape(plan), shape(parsed(t, text).plan))
  t.equal(plan.grids[0].objectives[0].actions[0].text, 'Re-commission the specialist prescribing service as one recovery-orientated contract.')
  t.equal(plan.grids[0].objectives[0].actions[0].byWhom, 'DAAT Commissioning Manager')
  t.equal(warnings.length, 1)
})

t.test('the outline is read only where the document has one: three levels, and no heading words', async t => {
  // Two levels only ("1", "1.1"): a numbered list, not an outline; refused as before.
  const twoLevels = text.replace(/^(\d\.\d)\.\d /gm, '$1 ')
  t.notOk(parsePlanDocument(twoLevels).ok, 'no "1.1.1" line: not read as an outline')
  // With grid headings by the profile's words, the numbers are what they were: action numbers in text.
  const headed = parsePlanDocument(text.replace('1 Treatment system and commissioning', 'Planning grid 1: Treatment system and commissioning'))
  t.ok(headed.ok && !headed.plan.grids.some(g => g.title === 'Recovery and reintegration'), 'a document with grid headings is not read as an outline')
})

t.test('two-level numbering: imported through the app, cells as recorded', async t => {
  const { counts, plan } = await importThroughTheApp(t, text)
  t.same(counts, { grids: 2, objectives: 3, actions: 7 })
  t.match(recordedAction(plan, 1, 1, 1), { number: '1.1.1', owners: ['DAAT Commissioning Manager'], due: { text: 'October 2012', from: '2012-10-01', to: '2012-10-31' }, cost: { text: '£640,000', pence: 64_000_000 }, rag: 'amber' })
  t.match(recordedAction(plan, 1, 2, 1), { number: '1.2.1', due: { text: 'March 2013', from: '2013-03-01', to: '2013-03-31' }, cost: { pence: 2_200_000 }, rag: 'red' })
  t.match(recordedAction(plan, 1, 2, 2), { number: '1.2.2', owners: [], rag: null })
  t.match(recordedAction(plan, 2, 1, 1), { due: { text: 'Q1', from: '2012-04-01', to: '2012-06-30' }, cost: { text: 'DWP funded', pence: null }, rag: 'green' })
  t.match(recordedAction(plan, 2, 1, 2), { owners: ['Housing Options Manager', 'DAAT Manager'], due: { from: '2012-12-01', to: '2012-12-31' }, rag: 'amber' })
  t.match(recordedAction(plan, 2, 1, 3), { due: { text: 'From July 2012' }, cost: { pence: 950_000 }, rag: 'green' })
})
