// A document that arrives already split into paragraphs and table rows (a Word document, read
// by its own reader) as the parser's classified lines, so it need not pretend to be text.
import { cellText, cleanPlain, isRuleLine } from './normaliseText.js'
import type { DocLine } from './tables.js'

/**
 * One line of a document already split into structure. `source` says where it came from in
 * terms its reader understands ("table 2, row 4"): warnings about the line carry it. A cell is
 * its text, or its paragraphs (list items, several paragraphs in one cell) in order. Text is
 * taken as plain text: no markup is read from it.
 */
export type SourceLine =
  | { kind: 'text'; text: string; source?: string }
  | { kind: 'row'; cells: Array<string | string[]>; source?: string }
  | { kind: 'blank'; source?: string }

const NO_CELLS: string[] = []

export function fromSourceLines(lines: SourceLine[]): { docLines: DocLine[]; sources: Map<number, string> } {
  const docLines: DocLine[] = []
  const sources = new Map<number, string>()
  lines.forEach((l, i) => {
    const line = i + 1
    if (l.source !== undefined) sources.set(line, l.source)
    if (l.kind === 'row') {
      const cells = l.cells.map(c => (typeof c === 'string' ? [c] : c))
      const texts = cells.map(cellText)
      docLines.push({ line, kind: 'row', text: texts.filter(Boolean).join(' '), cells, texts, format: 'cells' })
      return
    }
    const text = l.kind === 'text' ? cleanPlain(l.text) : ''
    if (!text || isRuleLine(text)) docLines.push({ line, kind: 'blank', text: '', cells: NO_CELLS, texts: NO_CELLS })
    else docLines.push({ line, kind: 'text', text, cells: NO_CELLS, texts: NO_CELLS })
  })
  return { docLines, sources }
}
