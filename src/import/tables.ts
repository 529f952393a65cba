// Lines of a document as the parser sees them: blank, running text, or a table row in one of
// the forms extractions produce — tab-separated, pipe-delimited ("|a |b |"), or HTML <tr>.
import { cellText, cleanInline, cleanTextLine, isRuleLine, type RawCell } from './normaliseText.js'
import { DEFAULT_RULES, type ImportRules } from './profile.js'
import { recogniseTable, type ColumnRole, type TableContent, type TableHeader } from './tableHeader.js'

/** How a row was written: 'html' and 'cells' (from a structured source) are whole rows that cannot have wrapped. */
export type RowFormat = 'tab' | 'pipe' | 'html' | 'cells'

export interface DocLine {
  /** 1-based line in the source text. */
  line: number
  kind: 'blank' | 'text' | 'row'
  /** Cleaned text: for a text line the line itself; for a row its non-empty cells joined by " ". */
  text: string
  /** Raw cells of a row, HTML kept so that packed cells can be split into their <p> items. */
  cells: RawCell[]
  /** The cleaned text of each cell (computed once). */
  texts: string[]
  format?: RowFormat
}

const MAX_HTML_ROW_LINES = 400

/** Splits at "|" but not at "\\|", markdown's escape for a "|" inside a cell (kept as "|"). */
function splitAtPipes(text: string): string[] {
  return text.includes('\\') ? text.split(/(?<!\\)\|/).map(cell => cell.replace(/\\\|/g, '|')) : text.split('|')
}

function splitPipeRow(trimmed: string): string[] {
  const inner = trimmed.endsWith('|') && !trimmed.endsWith('\\|') && trimmed.length > 1 ? trimmed.slice(1, -1) : trimmed.slice(1)
  return splitAtPipes(inner)
}

function htmlCells(rowHtml: string): string[] {
  const cells: string[] = []
  const CELL = /<t[dh](?:\s[^<>]{0,500})?>/gi
  const starts: Array<{ at: number; end: number }> = []
  let m: RegExpExecArray | null
  while ((m = CELL.exec(rowHtml)) !== null) starts.push({ at: m.index, end: m.index + m[0].length })
  for (let i = 0; i < starts.length; i++) {
    const stop = i + 1 < starts.length ? starts[i + 1].at : rowHtml.length
    cells.push(rowHtml.slice(starts[i].end, stop).replace(/<\/t[dh]\s*>[\s\S]*$/i, '').replace(/<\/tr\s*>[\s\S]*$/i, ''))
  }
  return cells
}

function rowLine(line: number, cells: string[], format: RowFormat): DocLine {
  const texts = cells.map(cellText)
  return { line, kind: 'row', text: texts.filter(Boolean).join(' '), cells, texts, format }
}

const NO_CELLS: string[] = []

function textLine(line: number, raw: string): DocLine {
  const text = cleanTextLine(raw)
  if (!text || isRuleLine(text)) return { line, kind: 'blank', text: '', cells: NO_CELLS, texts: NO_CELLS }
  return { line, kind: 'text', text, cells: NO_CELLS, texts: NO_CELLS }
}

/**
 * Splits the document into classified lines. HTML rows spanning several lines become one row.
 * `onLine` is told each line reached (a slow split can say where it was).
 */
export function toDocLines(source: string, onLine: (line: number) => void = () => {}): DocLine[] {
  const raw = source.split(/\r\n|\n|\r/)
  const out: DocLine[] = []
  const hasHtmlRows = /<tr[\s>]/i.test(source)
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1
    onLine(lineNo)
    const text = raw[i]
    if (hasHtmlRows && /<tr[\s>]/i.test(text)) {
      // Gather the row up to its </tr> (bounded), then read its cells.
      let html = text.slice(text.search(/<tr[\s>]/i))
      let j = i
      // Only the newly added line is searched for the row's end: the row so far has none.
      let closed = /<\/tr\s*>/i.test(html)
      while (!closed && j + 1 < raw.length && j - i < MAX_HTML_ROW_LINES) {
        j++
        html += ' ' + raw[j]
        closed = /<\/tr\s*>/i.test(raw[j])
      }
      const before = text.slice(0, text.search(/<tr[\s>]/i))
      if (cleanInline(before)) out.push(textLine(lineNo, before))
      const close = /<\/tr\s*>/i.exec(html)
      const rowHtml = close ? html.slice(0, close.index) : html
      const rest = close ? html.slice(close.index + close[0].length) : ''
      const cells = htmlCells(rowHtml)
      out.push(cells.length ? rowLine(lineNo, cells, 'html') : textLine(lineNo, rowHtml))
      if (/<tr[\s>]/i.test(rest)) {
        // Another row starts on line j+1: read it there (its line number stays honest).
        raw[j] = rest
        i = j - 1
        continue
      }
      i = j
      continue
    }
    if (text.includes('\t')) {
      const cells = text.split('\t')
      out.push(rowLine(lineNo, cells, 'tab'))
      continue
    }
    const trimmed = text.trim()
    if (trimmed.startsWith('|') && trimmed.length > 1) {
      const cells = splitPipeRow(trimmed)
      if (cells.length === 1) {
        // "|Expected outcomes 2017-18: |" — a one-cell box is running text.
        out.push(textLine(lineNo, cells[0]))
      } else out.push(rowLine(lineNo, cells, 'pipe'))
      continue
    }
    if (countPipes(trimmed) >= 2) {
      // A markdown table written without the outer pipes: "Action | Deadline | Lead".
      const cells = splitAtPipes(trimmed)
      if (cells.length && !cells[cells.length - 1].trim()) cells.pop()
      out.push(rowLine(lineNo, cells, 'pipe'))
      continue
    }
    if (text.includes('<') && BLOCK_IN_TEXT.test(text)) {
      // "<ul><li>one</li><li>two</li></ul>": each paragraph or list item is a line of its own.
      const parts = text
        .split(BLOCK_SPLIT)
        .map(part => textLine(lineNo, part))
        .filter(l => l.kind === 'text')
      out.push(...(parts.length ? parts : [textLine(lineNo, '')]))
      continue
    }
    out.push(textLine(lineNo, text))
  }
  return out
}

const BLOCK_IN_TEXT = /<\/?(?:p|li|br|div|h[1-6])(?:\s[^<>]{0,500})?\/?>/i
const BLOCK_SPLIT = /<\/?(?:p|li|br|div|h[1-6]|ul|ol)(?:\s[^<>]{0,500})?\/?>/gi

function countPipes(text: string): number {
  let n = 0
  for (let i = text.indexOf('|'); i >= 0 && n < 3; i = text.indexOf('|', i + 1)) n++
  return n
}

/** A row whose cells are all rules ("--", "---", ":---:") or empty: a markdown/ASCII table separator. */
export function isSeparatorRow(row: DocLine): boolean {
  let rule = false
  for (const cell of row.texts) {
    const t = cell.trim()
    if (!t) continue
    if (!/^:?[-=_]{1,}:?$/.test(t)) return false
    rule = true
  }
  return rule
}

/** The cleaned text of each cell of a row. */
export function rowTexts(row: DocLine): string[] {
  return row.texts
}

// ---- column roles (tableHeader.ts) ------------------------------------------------------------

export type { ColumnRole, TableHeader, TableKind } from './tableHeader.js'

/** What a header cell names, by the profile's column words (tried in the profile's order). */
export function columnRole(cellTextValue: string, rules: ImportRules = DEFAULT_RULES): ColumnRole {
  return rules.columnOf(cellTextValue.trim())?.role ?? null
}

/** Recognises a header row by its words (and, with `content`, the rows below it): see tableHeader.ts. */
export function recogniseHeader(row: DocLine, rules: ImportRules = DEFAULT_RULES, content?: TableContent): TableHeader | null {
  return recogniseTable(rowTexts(row), rules, content)
}
