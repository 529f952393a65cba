import t from 'tap'
import { importThroughTheApp, layout, parsed, shape } from './support.js'

// Harbourside Safer Communities Partnership, drug treatment plan 2013/14
// (test/fixtures/layouts/narrative-only.txt): no tables, no lists. Each objective ("Outcome 1: …")
// is followed by a paragraph of sentences naming what will be done, by whom and when ("Addaction
// will give naloxone …; we expect … by September 2013").
//
// What can be read honestly: the partnership, the year, the grids ("Grid One - Reducing harm",
// numbered in words) and their objectives. What cannot: the actions. A sentence is not a row: which
// words are the action, which the owner, which the date is a reader's judgement, and the importer
// does not invent actions from prose. Each objective keeps its heading and its paragraph as its
// text (paragraph kept apart by a line break) and is reported as having no actions.
//
// Hand count, by reading the document:
// - Partnership: line 1. Year: line 3. Line 5 is a remark before the first grid.
// - Grids: "Grid One" (line 7), "Grid Two" (line 17).
// - Objectives: Outcome 1 (line 9), Outcome 2 (line 13); Outcome 1 (line 19). Actions: none.
const text = layout('narrative-only.txt')

t.test('a plan with no tables: grids and objectives read, no actions invented, and said so', async t => {
  const { plan, warnings } = parsed(t, text)
  t.equal(plan.partnership, 'Harbourside Safer Communities Partnership')
  t.equal(plan.year, '2013/14')
  t.same(shape(plan), [
    [1, 'Reducing harm', [['1', 0], ['2', 0]]],
    [2, 'Recovery', [['1', 0]]],
  ])
  const none = (line: number, objective: string, grid: number) =>
    `line ${line}: objective ${objective} of grid ${grid} has no actions: no action table row, numbered action or paragraph with label lines ("Lead: …") under it; its words are kept as the objective's text`
  t.same(warnings, [
    'line 5: text before the first grid heading not recorded: "This plan was written for the Partnership Board in narrative form: th…"',
    none(9, '1', 1),
    none(13, '2', 1),
    none(19, '1', 2),
  ])
  const safer = plan.grids[0].objectives[1]
  t.equal(
    safer.text,
    'Safer injecting\nThe pharmacy needle exchange scheme will be extended to the Quayside and Millbrook wards. The Public Health Commissioner will lead this, at a cost of about £8,000, by the end of the second quarter.',
    'the heading, then its paragraph: every word kept',
  )
  t.match(plan.grids[1].objectives[0].text, /^More people completing treatment and staying free of dependence\nWe aim to raise successful completions/)
})

t.test('a plan with no tables: imported through the app with its warnings', async t => {
  const { counts, warnings, plan } = await importThroughTheApp(t, text)
  t.same(counts, { grids: 2, objectives: 3, actions: 0 })
  t.equal(warnings.filter(w => /has no actions/.test(w)).length, 3, 'each objective without actions is reported')
  t.same(plan.grids.map(g => g.objectives.map(o => o.actions.length)), [[0, 0], [0]])
  t.match(plan.grids[0].objectives[0].text, /^Fewer drug-related deaths in Harbourside\nNine people died/)
})
