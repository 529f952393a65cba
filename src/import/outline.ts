// A plan written as a numbered outline, with no heading words at all: "1 Treatment system" (a
// grid), "1.1 Modernise prescribing" (an objective), "1.1.1 Re-commission the service" (an
// action), as a word processor's multilevel numbering leaves it in the text. Read only when no
// line is a grid heading by the profile's words, and only when the document really has three
// levels: a "1.1.1" line, and top-level lines whose numbers those lines start with.
import type { GridHeading, ObjectiveMarker } from './gridStructure.js'
import type { DocLine } from './tables.js'

export type OutlineItem =
  | { kind: 'grid'; heading: GridHeading }
  | { kind: 'objective'; marker: ObjectiveMarker }
  | { kind: 'action' }

/** Outline items by source line. */
export type Outline = Map<number, OutlineItem>

const THIRD = /^(\d{1,2})\.(\d{1,2})\.(\d{1,2})\.?\s+\S/
const SECOND = /^(\d{1,2})\.(\d{1,2})\.?\s+(\S.*)$/
/** A top-level heading: a number, a title starting with a capital, short, not a sentence. */
const FIRST = /^(\d{1,2})\.?\s+(\p{Lu}.{0,150})$/u

/** Cheap test on the raw text, for the fast refusal: does any line start "N.N.N "? */
export const OUTLINE_HINT = /^[ \t]*\d{1,2}\.\d{1,2}\.\d{1,2}\.?[ \t]+\S/m

export function findOutline(lines: DocLine[]): Outline | null {
  const tops = new Set<string>()
  const objectives = new Set<string>()
  for (const l of lines) {
    const m = l.kind === 'text' ? THIRD.exec(l.text) : null
    if (!m) continue
    tops.add(m[1])
    objectives.add(`${m[1]}.${m[2]}`)
  }
  if (tops.size === 0) return null
  const outline: Outline = new Map()
  let grids = 0
  for (const l of lines) {
    if (l.kind !== 'text') continue
    const t = l.text
    if (THIRD.test(t)) {
      outline.set(l.line, { kind: 'action' })
      continue
    }
    const second = SECOND.exec(t)
    if (second && objectives.has(`${second[1]}.${second[2]}`)) {
      const number = `${Number(second[1])}.${Number(second[2])}`
      outline.set(l.line, { kind: 'objective', marker: { number, text: second[3].trim(), rule: `objective heading: "${number}", the second level of the document's numbered outline` } })
      continue
    }
    const first = FIRST.exec(t)
    if (first && tops.has(first[1]) && !/[.;,]$/.test(t)) {
      grids++
      const n = Number(first[1])
      outline.set(l.line, { kind: 'grid', heading: { number: n, title: first[2].trim(), noun: 'Grid', rule: `grid heading: "${first[1]}", the first level of the document's numbered outline` } })
    }
  }
  return grids > 0 ? outline : null
}
