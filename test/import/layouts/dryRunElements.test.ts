// The dry run shows, for each recognised element, its line and the rule that recognised it
// (issue 19): the header's partnership, year and title, grid and objective headings, expected
// outcomes, each table and each of its columns, action rows, label lines, budget tables and
// their rows, grid narrative. Checked on two layouts unlike each other (label lines, and tables
// ending in a budget summary), entry by entry against the documents read by hand, through the
// parser and through POST /v1/imports?dryRun=true (text and Word).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parsePlanDocument, type Recognition } from '../../../src/import/index.js'
import { startHarness } from '../../support/harness.js'
import { layout } from './support.js'

function recognised(text: string): Recognition[] {
  const r = parsePlanDocument(text)
  if (!r.ok) throw new Error(r.reason)
  return r.recognised
}

/** The entries at a line, as [element, rule]. */
const at = (all: Recognition[], line: number) => all.filter(r => r.line === line).map(r => [r.element, r.rule])

t.test('label lines (bulleted-labels.txt): header, headings, paragraph actions, each label line, narrative', async t => {
  const all = recognised(layout('bulleted-labels.txt'))
  t.match(at(all, 1), [['partnership', /ending in the profile's partnership ending "action team"/]], 'line 1: Northmoor Drug Action Team')
  t.match(at(all, 3), [['year', /financial year "2011\/12" in the line naming the plan/], ['title', /the line naming the plan and its year/]], 'line 3: Treatment Plan 2011/12')
  t.same(at(all, 5), [], 'line 5 ("Prepared by …") is not recognised (a warning says so)')
  t.match(at(all, 7), [['grid', /grid heading: "Grid" with a number in digits \("1"\) and ":"/]])
  t.match(at(all, 9), [['objective', /objective heading: "Objective" numbered "1"/]])
  t.match(at(all, 13), [['action', /paragraph followed by label lines: an action, its cells given by the labels/]])
  t.match(at(all, 15), [['label', /"Lead:" is who \(profile word "lead"\) of the action at line 13/]])
  t.match(at(all, 16), [['label', /"Timescale:" is when \(profile word "timescale"\)/]])
  t.match(at(all, 17), [['label', /"Cost:" is cost \(profile word "cost"\)/]])
  t.match(at(all, 18), [['label', /"RAG:" is rag \(profile word "rag"\)/]])
  t.match(at(all, 41), [['narrative', /text of grid 1 .*kept as its narrative \("other"\)/]], 'the closing sentence of grid 1')
  // Hand count: 2 grids, 3 objectives, 6 actions, 23 label lines (6 × 4 − 1: the third action has no cost), 1 narrative.
  const count = (element: string) => all.filter(r => r.element === element).length
  t.same(
    ['partnership', 'year', 'title', 'grid', 'objective', 'action', 'label', 'narrative'].map(e => [e, count(e)]),
    [['partnership', 1], ['year', 1], ['title', 1], ['grid', 2], ['objective', 3], ['action', 6], ['label', 23], ['narrative', 1]],
  )
  t.ok(all.every(r => r.line > 0 && r.rule.length > 10), 'every entry has its line and a rule in words')
})

t.test('tables and a budget summary (anyshire.txt): each column, each action row, the budget table and its rows', async t => {
  const all = recognised(layout('anyshire.txt'))
  t.match(at(all, 1), [['partnership', /partnership ending "action team"/]], 'ANYSHIRE DRUG & ALCOHOL ACTION TEAM')
  t.match(at(all, 3), [['year', /"2010\/11"/], ['title', /naming the plan/]])
  t.match(at(all, 7), [['grid', /"SECTION" with a number in letter \("A"\) and "–"/]])
  t.match(at(all, 9), [['objective', /"Priority" numbered "A1"/]])
  t.match(at(all, 10), [['outcome', /expected outcomes heading: what follows are the outcomes of objective A1/]])
  t.match(at(all, 12), [
    ['table', /^action table header: /],
    ['column', '"Ref" is number (by header: profile word "^ref$")'],
    ['column', '"Action" is action (by header: profile word "action")'],
    ['column', '"Lead" is who (by header: profile word "lead")'],
    ['column', '"Timescale" is when (by header: profile word "timescale")'],
    ['column', '"Resources" is cost (by header: profile word "resourc")'],
    ['column', '"RAG" is rag (by header: profile word "rag")'],
  ], 'the table, then one entry per column')
  t.equal(at(all, 12).length, 7)
  t.match(at(all, 13), [['action', /row of the action table at line 12, numbered "A1.1" by the number column/]])
  t.match(at(all, 33), [['narrative', /grid 2 .*\("other"\)/]], '"Budget summary" is grid 2\'s narrative')
  t.match(at(all, 35), [['table', /^budget table: header word "planned": .*a budget summary/]])
  t.match(at(all, 36), [['budget', /"A – Commissioning the treatment system" names grid 1/]])
  t.match(at(all, 37), [['budget', /"B – Reducing harm" names grid 2/]])
  t.match(at(all, 38), [['budget', /"Total" names no grid; kept as the plan's budget/]])
  // Hand count: 2 grids, 3 objectives and 3 outcome lines, 3 action tables of 6 columns, 7 action rows, 1 budget table of 3 rows.
  const count = (element: string) => all.filter(r => r.element === element).length
  t.same(
    ['grid', 'objective', 'outcome', 'table', 'column', 'action', 'budget'].map(e => [e, count(e)]),
    [['grid', 2], ['objective', 3], ['outcome', 3], ['table', 4], ['column', 18], ['action', 7], ['budget', 3]],
  )
})

t.test('through POST /v1/imports?dryRun=true: the same entries, "line N" for text and table, row or paragraph for Word', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const text = await h.request({ method: 'POST', url: '/v1/imports?dryRun=true', payload: layout('anyshire.txt'), headers: { 'content-type': 'text/plain; charset=utf-8' } })
  t.equal(text.statusCode, 200, text.body)
  const entries = text.json().recognised as Array<{ at: string; element: string; rule: string }>
  t.same(entries.map(e => [e.at, e.element, e.rule]), recognised(layout('anyshire.txt')).map(r => [`line ${r.line}`, r.element, r.rule]), 'the parser\'s entries, each at "line N"')

  const word = await h.request({ method: 'POST', url: '/v1/imports?dryRun=true', payload: readFileSync(new URL('../../fixtures/layouts/anyshire.docx', import.meta.url)), headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' } })
  t.equal(word.statusCode, 200, word.body)
  const fromWord = word.json().recognised as Array<{ at: string; element: string; rule: string }>
  const kinds = (list: Array<{ element: string }>) => [...new Set(list.map(e => e.element))].sort()
  t.same(kinds(fromWord), kinds(entries), 'the Word document has every kind of entry the text has')
  t.ok(fromWord.every(e => /^(?:paragraph \d+|table \d+, row \d+(?:, cell \d+)?)$/.test(e.at)), `every entry is at a paragraph or a table row: ${fromWord.map(e => e.at).slice(0, 8).join('; ')}`)
  t.match(fromWord.filter(e => e.element === 'column').map(e => e.rule).slice(0, 6), [/^"Ref" is number/, /^"Action" is action/, /^"Lead" is who/, /^"Timescale" is when/, /^"Resources" is cost/, /^"RAG" is rag/])
})
