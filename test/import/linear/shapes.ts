// The document reader's cost grows linearly with its input: each pathological shape is read at
// n and 4n characters and the ratio of the median CPU times must stay under LINEAR_RATIO (a
// quadratic step gives 16). A ratio, not a time, so a busy machine does not fail it. The value parsers (due,
// money, owners) have their own such tests with the domain; the shapes here keep their cells
// short so that they measure the reader: line splitting, tables, headings, self-assessment,
// progress matching, continuation lines.
import type { Test } from 'tap'
import { parsePlanDocument } from '../../../src/import/index.js'
import { growthRatio, LINEAR_RATIO } from '../../support/growth.js'

const HEAD = 'Ealing DAAT\nAdult drug treatment plan 2006/07\n\nPlanning grid 1: Test\n'
const TABLE = 'Objective 1: Do things\nAction\tBy when\tBy whom\n'

/** Each shape, given a size in characters, returns a document of about that size. */
const SHAPES: Record<string, (n: number) => string> = {
  'HTML rows, many on one line': n => `${HEAD}<table>${'<tr><td>a</td><td>b</td></tr>'.repeat(n / 27)}\n`,
  'HTML rows never closed, one a line': n => HEAD + '<tr><td>xxxxxxxxxxxxxxxxxxxxxxxxxx\n'.repeat(n / 30),
  'one HTML row of many cells': n => `${HEAD}<tr>${'<td>a'.repeat(n / 5)}\n`,
  'one pipe row of many cells': n => `${HEAD}Objective 1: x\nAction|By when|By whom\n${'|a'.repeat(n / 2)}\n`,
  'one tab row of many cells': n => `${HEAD}${TABLE}${'a\t'.repeat(n / 2)}\n`,
  'many pipe rows': n => `${HEAD}| Action | By when | By whom |\n${'| Do a thing | May 2006 | DAT |\n'.repeat(n / 32)}`,
  'rows wrapped over many lines': n => `${HEAD}${TABLE}1. Do\tMay\tDAT\n${'and more\tx\t\n'.repeat(n / 14)}`,
  'text lines continuing an action': n => `${HEAD}${TABLE}1. Do\tMay\tDAT\n${'lower case text line\n'.repeat(n / 21)}`,
  'ratings run together in one line': n => `${HEAD}Self assessment\n${'Red Xa '.repeat(n / 7)}\n`,
  'statements run together in one line': n => `${HEAD}Self assessment\n${'the service is reviewed every quarter. Amber Then '.repeat(n / 50)}\n`,
  'ratings on lines of their own': n => `${HEAD}Self assessment\n${'x\n\nRed\n\ny\n'.repeat(n / 11)}`,
  'a cell packing many actions': n => `${HEAD}${TABLE}To do. ${'1.1 Do A '.repeat(n / 9)}\tMay 2006\tDAT\n`,
  'packed <p> items and aligned dates': n => `${HEAD}${TABLE}${'<p>1.1 Do A</p>'.repeat(n / 30)}\t${'<p>May 2006</p>'.repeat(n / 30)}\tDAT\n`,
  'progress rows matched by words': n => `${HEAD}${TABLE}${'1. Do something here\tMay\tDAT\n'.repeat(n / 60)}Action point\tProgress to date\tFurther action\n${'Do something here and there\tdone\tmore\n'.repeat(n / 80)}`,
  'progress rows matched by number': n => `${HEAD}${TABLE}${Array.from({ length: n / 60 }, (_, i) => `${i + 1}. Do something\tMay\tDAT`).join('\n')}\nAction point\tProgress to date\tFurther action\n${Array.from({ length: n / 60 }, (_, i) => `${i + 1}\tdone\tmore`).join('\n')}\n`,
  'many objectives': n => HEAD + 'Objective 1: x\n'.repeat(n / 15),
  'many grids': n => `Ealing DAAT\nAdult drug treatment plan 2006/07\n\n${Array.from({ length: n / 30 }, (_, i) => `Planning grid ${i % 999}: T\n`).join('')}`,
  'one grid heading repeated': n => `Ealing DAAT\nAdult drug treatment plan 2006/07\n\n${'Planning grid 1: T\nObjective 1: a\n'.repeat(n / 34)}`,
  'many plan years in the header': n => `Ealing DAAT\n${'Plan 2006/07\nPlan 2007/08\n'.repeat(n / 26)}Planning grid 1: T\n`,
  'page headers': n => HEAD + Array.from({ length: n / 40 }, (_, i) => `Treatment plan 2006/07 page ${i}`).join('\n'),
  'entities and tags': n => `${HEAD}${'&amp;&#12;<a <b x="1">*a '.repeat(n / 25)}\n`,
  'a table broken over many pages': n => `${HEAD}${TABLE}${'1. Do\tMay\tDAT\nPage 3 of 9\nAction\tBy when\tBy whom\n'.repeat(n / 47)}`,
  'objective rows across a table': n => `${HEAD}${TABLE}${'Objective 2: x\t\t\n1. Do\tMay\tDAT\n'.repeat(n / 31)}`,
  'bullets with label lines': n => `${HEAD}Objective 1: x\n${'• Do a thing\nLead: DAT\nTimescale: May 2006\n'.repeat(n / 41)}`,
  'one label line of many parts': n => `${HEAD}Objective 1: x\n• Do a thing\nLead: ${'DAT; '.repeat(n / 5)}\n`,
  'paragraphs that no label follows': n => `${HEAD}Objective 1: x\n${'A paragraph of text\n\n'.repeat(n / 21)}`,
  'a numbered outline': n => `Ealing DAAT\nAdult drug treatment plan 2006/07\n${'1 Grid\n1.1 Objective\n1.1.1 Do\nLead: DAT\n'.repeat(n / 40)}`,
  'pipe rows with a cell too many': n => `${HEAD}Objective 1: x\n| Ref | Action | Lead | By when | Budget | RAG |\n${'| 1.1 | Do | A | B | May 2006 | £5 | R |\n'.repeat(n / 40)}`,
  'expected outcomes wrapped': n => `${HEAD}Objective 1: x\nExpected outcomes\n${'lower case line\n'.repeat(n / 16)}`,
}

const N = 24_000
/** A shape measured again when its ratio is over the limit: noise passes on a retry, a quadratic step (ratio ~16) never does. */
const ATTEMPTS = 3

/**
 * Checks every `parts`-th shape starting at `part` (1-based): the shapes are split over several
 * test files so that each file stays well inside tap's per-file timeout on a loaded machine.
 */
export async function checkShapes(t: Test, part: number, parts: number): Promise<void> {
  const names = Object.keys(SHAPES).filter((_, i) => i % parts === part - 1)
  t.ok(names.length > 0, `part ${part} of ${parts} has shapes`)
  for (const name of names) {
    const shape = SHAPES[name]!
    const seen: number[] = []
    while (seen.length < ATTEMPTS && !seen.some(r => r < LINEAR_RATIO)) {
      seen.push(
        growthRatio(size => {
          const text = shape(size)
          return () => parsePlanDocument(text)
        }, N),
      )
    }
    t.ok(seen.some(r => r < LINEAR_RATIO), `${name}: 4n costs ${seen.map(r => `${r.toFixed(2)}×`).join(', then ')} n`)
  }
}
