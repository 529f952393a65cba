import t from 'tap'
import { importThroughTheApp, layout, parsed, recordedAction, shape } from './support.js'

// Northmoor Drug Action Team, treatment plan 2011/12 (test/fixtures/layouts/bulleted-labels.txt): no
// table at all. Under "Actions:" each action is a bullet paragraph followed by label lines, one a
// line: "Lead: …", "Timescale: …", "Cost: …" (sometimes missing), "RAG: …" (Green, Amber, A, G).
//
// Hand count, by reading the document:
// - Partnership: line 1. Year: line 3, 2011/12. Line 5 ("Prepared by …") is before the first grid.
// - Grids: "Grid 1: Young people's substance misuse" (line 7), "Grid 2: Adult treatment" (line 43).
// - Objectives: grid 1 objectives 1 (line 9) and 2 (line 31); grid 2 objective 1 (line 45).
// - Actions: the bullets followed by label lines: grid 1 objective 1: 3 (lines 13 — wrapped onto
//   line 14 —, 20, 26); objective 2: 1 (line 35); grid 2 objective 1: 2 (lines 49, 55).
// - Not an action: the bullet on line 41 has no label lines (a remark about the grant): kept as
//   grid narrative, with a warning.
const text = layout('bulleted-labels.txt')

t.test('bulleted actions with label lines: grids, objectives and actions as counted by hand', async t => {
  const { plan, warnings } = parsed(t, text)
  t.equal(plan.partnership, 'Northmoor Drug Action Team')
  t.equal(plan.year, '2011/12')
  t.same(shape(plan), [
    [1, "Young people's substance misuse", [['1', 3], ['2', 1]]],
    [2, 'Adult treatment', [['1', 2]]],
  ])
  t.same(warnings, [
    'line 5: text before the first grid heading not recorded: "Prepared by the DAT Commissioning Team, April 2011"',
    'line 41: text among the actions recorded as grid narrative ("other"): "• The Hidden Harm grant ends in March 2012, and the group continues o…"',
  ])
  const [first, second, third] = plan.grids[0].objectives[0].actions
  t.equal(first.text, 'Place a substance misuse worker in each of the three secondary pupil referral units and the further education college', 'the bullet dropped, the wrapped line joined')
  t.equal(first.line, 13)
  t.same([first.due, first.byWhom, first.cost, first.rag], ['September 2011', "Young People's Commissioner", '£18,000', 'green'])
  t.same([second.due, second.byWhom, second.cost], ['By end of Q2', 'School Nursing Team / Compass', 'Within existing resources'])
  t.same([third.cost, third.rag], ['', 'amber'], 'no "Cost:" line: no cost; "RAG: A" is amber')
  t.equal(plan.grids[0].objectives[0].text, 'Earlier help for young people who misuse drugs or alcohol', '"Actions:" is not part of the objective')
  t.match(plan.grids[0].narratives, [{ section: 'other', text: /^• The Hidden Harm grant ends/, line: 41 }])
  t.ok(plan.grids.flatMap(g => g.objectives).every(o => o.actions.every(a => a.number === null)), 'bullets are not numbered')
})

t.test('bulleted actions with label lines: imported through the app, cells as recorded', async t => {
  const { counts, plan } = await importThroughTheApp(t, text)
  t.same(counts, { grids: 2, objectives: 3, actions: 6 })
  t.match(recordedAction(plan, 1, 1, 1), { owners: ["Young People's Commissioner"], due: { text: 'September 2011', from: '2011-09-01', to: '2011-09-30' }, cost: { text: '£18,000', pence: 1_800_000 }, rag: 'green' })
  t.match(recordedAction(plan, 1, 1, 2), { owners: ['School Nursing Team', 'Compass'], due: { text: 'By end of Q2', to: '2011-09-30' }, rag: 'amber' })
  t.match(recordedAction(plan, 1, 1, 3), { owners: ['Compass', 'CRI'], due: { text: 'Ongoing', from: null, to: null } })
  t.match(recordedAction(plan, 1, 2, 1), { owners: ["Children's Services"], due: { text: 'Jan 2012', from: '2012-01-01', to: '2012-01-31' }, cost: { text: '£7,500 (Hidden Harm grant)', pence: 750_000 }, rag: 'red' })
  t.match(recordedAction(plan, 2, 1, 1), { due: { text: '31 March 2012', from: '2012-03-31', to: '2012-03-31' }, cost: { text: '£120k', pence: 12_000_000 }, rag: 'amber' })
  t.match(recordedAction(plan, 2, 1, 2), { text: 'Mutual aid groups (SMART, NA) promoted in every key-working session', owners: ['All treatment providers'], cost: { text: 'Nil' }, rag: 'green' })
})
