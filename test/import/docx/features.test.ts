import t from 'tap'
import JSZip from 'jszip'
import { parseDocx, type DocxParseResult } from '../../../src/import/docx/parseDocx.js'
import { actionCounts } from '../support/seeds.js'
import { docxFixture } from './support/docx.js'

// word-features.docx (test/fixtures/docx/make.ts): merged cells down and across, a 36-row table
// over a page break with a header row marked to repeat, cells of several paragraphs and of a
// list, tracked changes (inserted and deleted text) and a comment.
const bytes = docxFixture('word-features.docx')

async function read(): Promise<Extract<DocxParseResult, { ok: true }>> {
  const result = await parseDocx(bytes)
  if (!result.ok) throw new Error(result.reason)
  return result
}

/** word/document.xml of the fixture, to check it really holds what the tests rely on. */
async function documentXml(): Promise<string> {
  return (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string')
}

t.test('the fixture holds the Word features under test', async t => {
  const xml = await documentXml()
  t.match(xml, /<w:tblHeader/, 'a header row repeated on each page')
  t.match(xml, /<w:vMerge w:val="restart"\/>/, 'cells merged down')
  t.match(xml, /<w:gridSpan w:val="\d"\/>/, 'cells merged across')
  t.match(xml, /<w:ins /, 'inserted text')
  t.match(xml, /<w:delText/, 'deleted text')
  t.match(xml, /<w:commentReference/, 'a comment')
})

t.test('grids, objectives and actions', async t => {
  const { plan, warnings } = await read()
  t.equal(plan.partnership, 'Anytown Drug and Alcohol Action Team')
  t.equal(plan.year, '2008/09')
  t.same(plan.grids.map(g => [g.number, g.title]), [[1, 'Harm reduction'], [2, 'Workforce development']], 'headings as grid headings')
  t.same(actionCounts(plan), [[36], [3, 1]], 'the long table over a page break: its 36 rows once each, the header row not an action')
  t.same(warnings, [
    'table 2, row 2: objective 1 of grid 2 is named only by its number',
    'table 2, row 2: objective 1 of grid 2 has no text; recorded as "Objective 1"',
  ], 'row 5, "Objective 2: …" across the table, keeps the table\'s header for row 6')
})

t.test('merged cells: down, a value for every row it covers; across, one value', async t => {
  const { plan, sources } = await read()
  const grid1 = plan.grids[0].objectives[0].actions
  t.same(grid1.slice(0, 4).map(a => a.byWhom), ['Harm Reduction Lead', 'Harm Reduction Lead', 'Harm Reduction Lead', 'Provider 4'], '"By whom" merged over three rows')
  const where = sources.grids[0].objectives[0].actions
  t.same([where[0].owners, where[2].owners, where[3].owners], [{ table: 1, row: 2, cell: 3 }, { table: 1, row: 2, cell: 3 }, { table: 1, row: 5, cell: 3 }], 'read from the merged cell')
  const grid2 = plan.grids[1].objectives
  t.same(grid2[0].actions.map(a => a.number), ['1.1', '1.2', '1.3'], 'an objective number merged down its three action rows names them once')
  t.same(grid2[0].actions.map(a => a.cost), ['Within resources', 'DIP Funding', 'DIP Funding'])
  t.equal(grid2[1].number, '2', 'a row merged across the table is a line of text: the objective heading')
  t.equal(grid2[1].text, 'Improve supervision of frontline staff')
  t.equal(grid2[1].actions[0].due, 'Qtr 2, DAAT Manager', 'a cell merged across two columns is read once, in its first column')
  t.equal(grid2[1].actions[0].cost, '£ 4,400', 'the columns after it stay under their headers')
})

t.test('cells of several paragraphs and of a list', async t => {
  const { plan } = await read()
  t.equal(plan.grids[0].objectives[0].actions[0].text, 'Review needle exchange provision at site 1 including outreach sessions and the pharmacy scheme')
  t.equal(plan.grids[1].objectives[0].actions[2].text, 'Evaluate the courses feedback from attendees a report to the JCG')
})

t.test('tracked changes read as accepted; the comment is not part of the plan', async t => {
  const { plan } = await read()
  const [a1, a2] = plan.grids[1].objectives[0].actions
  t.equal(a1.text, 'Train all frontline staff in naloxone use', 'inserted words kept')
  t.equal(a1.byWhom, 'Training Sub Group', 'deleted words ("DM / ") gone')
  t.equal(a2.due, 'September 2008', '"May" deleted, "September" inserted')
  t.equal(a2.text, 'Run two courses for GPs', 'the commented text, without the comment')
  t.notMatch(JSON.stringify(plan), /COMMENT TEXT|May 2008/)
})
