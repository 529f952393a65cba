import t from 'tap'
import { parsePlanDocument, parsePlanLines, type SourceLine } from '../../src/import/index.js'
import { actionCounts, fixture, SEEDS } from './support/seeds.js'

t.test('a document already split into lines and rows reads as its text does', async t => {
  const text = fixture(SEEDS.slough)
  // A structured reader hands over plain text: the fixture's stray HTML is what its reader would have read.
  const plain = text.replace(/<[^<>]*>/g, ' ')
  const lines: SourceLine[] = plain.split('\n').map((l, i) =>
    l.includes('\t') ? { kind: 'row', cells: l.split('\t'), source: `row at ${i + 1}` } : l.trim() ? { kind: 'text', text: l } : { kind: 'blank' },
  )
  const a = parsePlanDocument(text)
  const b = parsePlanLines(lines)
  t.ok(a.ok && b.ok)
  if (!a.ok || !b.ok) return
  t.same(actionCounts(b.plan), actionCounts(a.plan), 'same structure')
  t.equal(b.plan.partnership, a.plan.partnership)
  t.same(
    b.plan.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(x => [x.number, x.text, x.due, x.owners, x.line]))),
    a.plan.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(x => [x.number, x.text, x.due, x.owners, x.line]))),
    'same actions on the same lines',
  )
  for (const w of b.warnings) t.equal(w.source, lines[w.line - 1].source, `warning at ${w.line} carries its line's tag, if any`)
})

t.test('cells as paragraphs: packed actions and aligned lists, whole rows, sources on warnings', async t => {
  const lines: SourceLine[] = [
    { kind: 'text', text: 'Riverside DAAT' },
    { kind: 'text', text: 'Adult drug treatment plan 2011/12' },
    { kind: 'blank' },
    { kind: 'text', text: 'Planning grid 1: Harm reduction' },
    { kind: 'text', text: 'Objective 1: Reduce deaths <from overdose> & harm' },
    { kind: 'row', cells: ['Action', 'By when', 'By whom', 'Cost'], source: 'table 1, row 1' },
    { kind: 'row', cells: [['1.1 Train staff', '1.2 Supply kits'], ['May 2011', 'June 2011'], 'CDA', '£2,000'], source: 'table 1, row 2' },
    { kind: 'row', cells: ['review with partners', 'March 2012', 'DAAT', ''], source: 'table 1, row 3' },
  ]
  const r = parsePlanLines(lines)
  t.ok(r.ok)
  if (!r.ok) return
  const o = r.plan.grids[0].objectives[0]
  t.equal(o.text, 'Reduce deaths <from overdose> & harm', 'text kept as written: no tag or entity handling of plain text')
  t.same(
    o.actions.map(a => [a.number, a.text, a.due, a.owners, a.cost]),
    [
      ['1.1', 'Train staff', 'May 2011', ['CDA'], '£2,000'],
      ['1.2', 'Supply kits', 'June 2011', ['CDA'], ''],
      [null, 'review with partners', 'March 2012', ['DAAT'], ''],
    ],
    'a structured row is whole: a lower-case row is an action of its own, not a wrapped line',
  )
  t.ok(r.warnings.some(w => w.source === 'table 1, row 2' && w.line === 7 && /one cost/.test(w.message)), 'the warning names its table and row')
})
