import t from 'tap'
import { readFileSync } from 'node:fs'
import { parseDocx } from '../../../src/import/docx/parseDocx.js'
import type { ParsedPlan } from '../../../src/import/index.js'
import { importThroughTheApp, layout, parsed, shape } from './support.js'

// Two layout documents as real Word files (test/fixtures/layouts/make-docx.ts, LibreOffice):
// landscape-split.docx (landscape pages, one table per grid whose header row repeats on every page,
// objectives as rows across the table) and bulleted-labels.docx (no table: bulleted list items,
// each followed by its "Lead: …" label paragraphs). Each must read to its text version's hand
// count, with the same words in every cell.
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

function readBinary(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/layouts/${name}`, import.meta.url))
}

/** Every action's cells without its source line (a Word file has paragraphs, not lines). */
function cells(plan: ParsedPlan): unknown {
  return plan.grids.map(g => g.objectives.map(o => [o.number, o.text, o.outcomes, o.actions.map(a => [a.number, a.text, a.due, a.byWhom, a.owners, a.cost, a.rag])]))
}

const WORD_FILES = [
  {
    name: 'landscape-split',
    count: 'the hand count: 2 grids, objectives 1.1 (4), 1.2 (3), 2.1 (2); action 1.1.4 whole',
    // A Word table has no page furniture to skip.
    warnings: [],
  },
  {
    name: 'bulleted-labels',
    count: 'the hand count: objectives 1 (3), 2 (1); 1 (2)',
    // The unlabelled list item is narrative, as in the text.
    warnings: [
      'paragraph 3: text before the first grid heading not recorded: "Prepared by the DAT Commissioning Team, April 2011"',
      'paragraph 28: text among the actions recorded as grid narrative ("other"): "- The Hidden Harm grant ends in March 2012, and the group continues o…"',
    ],
  },
]

for (const { name, count, warnings } of WORD_FILES) {
  t.test(`${name}.docx reads as its text does`, async t => {
    const docx = await parseDocx(readBinary(`${name}.docx`))
    if (!docx.ok) throw new Error(docx.reason)
    const text = parsed(t, layout(`${name}.txt`))
    t.same(shape(docx.plan), shape(text.plan), count)
    t.same(cells(docx.plan), cells(text.plan), 'the same words in every cell')
    t.same(docx.warnings, warnings)
  })
}

t.test('the Word files imported through the app', async t => {
  for (const [name, counts] of [
    ['landscape-split.docx', { grids: 2, objectives: 3, actions: 9 }],
    ['bulleted-labels.docx', { grids: 2, objectives: 3, actions: 6 }],
  ] as const) {
    const result = await importThroughTheApp(t, readBinary(name), DOCX)
    t.same(result.counts, counts, name)
  }
})
