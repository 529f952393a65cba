import t, { type Test } from 'tap'
import { parsePlanDocument, type ParsedPlan } from '../../../src/import/index.js'
import { parseDocx, type DocxParseResult } from '../../../src/import/docx/parseDocx.js'
import { actionCounts, fixture, SEEDS } from '../support/seeds.js'
import { docxFixture } from './support/docx.js'

// The four seed plans as real Word documents (test/fixtures/docx/make.ts: HTML renderings of
// the text fixtures that keep their tables, converted by LibreOffice). The hand counts are the
// ones established by reading each document (see test/import/<seed>.test.ts, where each is
// explained); the Word file must give the same counts, header and words as the text.
const HAND_COUNTS: Record<keyof typeof SEEDS, number[][]> = {
  ealing: [[2, 3, 1, 3, 4], [6, 2, 3, 7], [6, 6, 3], [3, 4, 4], [4, 1, 6], [4, 2, 3], [3, 4, 2, 3, 3, 1], [4, 2, 2, 1, 1, 2], [9, 2, 2], [4, 5, 4, 6, 8]],
  slough: [[2, 4, 7], [5, 11, 3, 4], [4, 2, 4], [6]],
  staffordshire: [[3, 4, 5, 5, 2], [5, 7, 1, 3, 3, 3, 1, 1], [0, 3, 3, 2, 5, 3, 2, 3, 2], [1, 3, 1], [2, 2, 2, 1, 1, 1], [0, 3, 2, 1], [2, 1, 3, 1, 1], [5, 1, 1, 2], [7]],
  doncaster: [[6], [6], [4], [5]],
}

function ok(t: Test, result: DocxParseResult): Extract<DocxParseResult, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.reason}`)
  t.pass('read')
  return result
}

/** A plan without source lines (the text's lines and the rendering's differ). */
function withoutLines(plan: ParsedPlan): unknown {
  return JSON.parse(JSON.stringify(plan, (key, value) => (key === 'line' ? undefined : value)))
}

for (const seed of Object.keys(SEEDS) as Array<keyof typeof SEEDS>) {
  t.test(`${seed}: the Word document reads as its text does`, async t => {
    const name = SEEDS[seed].replace(/\.txt$/, '.docx')
    const docx = ok(t, await parseDocx(docxFixture(name)))
    const text = parsePlanDocument(fixture(SEEDS[seed]))
    if (!text.ok) throw new Error(text.reason)
    t.same(actionCounts(docx.plan), HAND_COUNTS[seed], 'the hand counts')
    t.equal(docx.plan.partnership, text.plan.partnership)
    t.equal(docx.plan.year, text.plan.year)
    t.equal(docx.plan.title, text.plan.title)
    t.same(withoutLines(docx.plan), withoutLines(text.plan), 'every grid, objective and action with the same words')
    // The text's extra warnings are about rows its extraction wrapped, which are whole rows in Word.
    t.ok(docx.warnings.length <= text.warnings.length, `no more warnings than the text (${docx.warnings.length}, ${text.warnings.length})`)
    for (const w of docx.warnings) t.match(w, /^(?:table \d+, row \d+(?:, cell \d+)?|paragraph \d+|near paragraph \d+): /, `placed: ${w.slice(0, 60)}`)
    // Every action's words are found in a table cell (none of these seeds has actions as text).
    const actions = docx.sources.grids.flatMap(g => g.objectives.flatMap(o => o.actions))
    t.ok(actions.length > 0)
    t.ok(actions.every(a => a.text && 'table' in a.text && typeof a.text.cell === 'number'), 'each action text has its table, row and cell')
  })
}

t.test('staffordshire: a packed cell\'s actions keep their by-when and by-whom lists', async t => {
  const docx = ok(t, await parseDocx(docxFixture('staffordshire-2003-04.docx')))
  const first = docx.plan.grids[0].objectives[0].actions[0]
  t.equal(first.number, '1.1')
  t.match(first.text, /^Establish Models of Care Sub group/)
  const where = docx.sources.grids[0].objectives[0].actions[0]
  t.match(where.text, { table: Number, row: Number, cell: 2 }, 'the actions column')
  t.match(where.due, { cell: 3 }, 'by when column')
  t.match(where.owners, { cell: 4 }, 'by whom column')
})
