// Lays a Word document out as the plan text the importer's parser reads, remembering where each
// line came from. A body paragraph is a line (a heading gets markdown's "#" marks, an empty
// paragraph a blank line); a table row is one tab-separated line whose cells keep their
// paragraphs and list items as <p> and <li> (escaped text inside), the form the parser reads
// packed cells in. Merged cells are spread back over the grid: a cell merged across columns
// leaves the columns it covers empty, so every row's cells stay under their header; a cell
// merged down several rows is repeated in the rows it covers (a merged "By whom" is everyone's
// owner) unless it is the row's first column, where it names the rows (an objective) and is
// read once.
import { MAX_COLUMNS } from './limits.js'
import { tooLarge } from './refusal.js'
import type { WordBlock, WordCell, WordParagraph, WordTable } from './wordModel.js'

/** Where a cell's value was read: table, row and cell (1-based, columns of the table's grid). */
export interface CellSource {
  table: number
  row: number
  cell: number
  /** The cell's text, spaces collapsed: for finding which cell holds a value. */
  text: string
}

export type LineSource =
  | { kind: 'paragraph'; paragraph: number; heading: boolean; text: string }
  | { kind: 'row'; table: number; row: number; cells: CellSource[] }
  | { kind: 'blank' }

export interface RenderedDocument {
  text: string
  /** sources[i] is where line i + 1 of `text` came from. */
  sources: LineSource[]
  tables: number
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function cellHtml(paragraphs: WordParagraph[]): string {
  const filled = paragraphs.filter(p => p.text.trim())
  const inline = (p: WordParagraph) => escapeHtml(collapseSpaces(p.text.replace(/\n/g, ' \u0001 '))).replace(/ ?\u0001 ?/g, '<br>')
  if (filled.length === 1 && !filled[0].list) return inline(filled[0])
  return filled.map(p => (p.list ? `<li>${inline(p)}</li>` : `<p>${inline(p)}</p>`)).join('')
}

function plainText(paragraphs: WordParagraph[]): string {
  return collapseSpaces(paragraphs.map(p => p.text).join(' '))
}

interface Spread {
  html: string
  origin: { row: number; cell: number }
  text: string
}

/** The table's rows as grids of cells, merged cells spread over the columns and rows they cover. */
function spreadTable(table: WordTable): Spread[][] {
  const carried: Array<{ rows: number; cell: WordCell; row: number; column: number } | undefined> = []
  const empty = (row: number, column: number): Spread => ({ html: '', origin: { row, cell: column + 1 }, text: '' })
  const out: Spread[][] = []
  table.rows.forEach((row, r) => {
    const line: Spread[] = []
    const takeCarried = () => {
      const c = carried[line.length]!
      const column = line.length
      // Repeated where it is a value of the row; read once where it names the rows (first column).
      line.push(column === 0 ? empty(r + 1, column) : { html: cellHtml(c.cell.paragraphs), origin: { row: c.row, cell: c.column + 1 }, text: plainText(c.cell.paragraphs) })
      if (--c.rows === 0) carried[column] = undefined
    }
    for (const cell of row.cells) {
      while (carried[line.length]) takeCarried()
      const column = line.length
      line.push({ html: cellHtml(cell.paragraphs), origin: { row: r + 1, cell: column + 1 }, text: plainText(cell.paragraphs) })
      const span = Math.min(cell.colSpan, MAX_COLUMNS)
      for (let k = 1; k < span; k++) line.push(empty(r + 1, column + k))
      if (cell.rowSpan > 1) carried[column] = { rows: cell.rowSpan - 1, cell, row: r + 1, column }
      if (line.length > MAX_COLUMNS) throw tooLarge(`table row with more than ${MAX_COLUMNS} cells; a plan's tables have a handful of columns`)
    }
    while (line.length < carried.length) {
      if (carried[line.length]) takeCarried()
      else line.push(empty(r + 1, line.length))
    }
    out.push(line)
  })
  return out
}

export function renderPlanText(blocks: WordBlock[]): RenderedDocument {
  const lines: string[] = []
  const sources: LineSource[] = []
  let paragraph = 0
  let tables = 0
  for (const block of blocks) {
    if (block.kind === 'paragraph') {
      paragraph++
      const text = block.text.trim()
      if (!text) {
        lines.push('')
        sources.push({ kind: 'blank' })
        continue
      }
      for (const part of text.split('\n')) {
        const clean = collapseSpaces(part)
        if (!clean) continue
        lines.push(block.heading ? `${'#'.repeat(block.heading)} ${clean}` : clean)
        sources.push({ kind: 'paragraph', paragraph, heading: block.heading !== null, text: clean })
      }
      continue
    }
    const table = ++tables
    spreadTable(block).forEach((cells, r) => {
      const filled = cells.filter(c => c.html)
      if (filled.length === 0) {
        lines.push('')
        sources.push({ kind: 'blank' })
        return
      }
      const cellSources = cells.map(c => ({ table, row: c.origin.row, cell: c.origin.cell, text: c.text }))
      // A row of one cell is a box of running text (its paragraphs lines of their own); the
      // parser reads a tab-separated line as a table row.
      lines.push(cells.length === 1 ? cells[0].html : cells.map(c => c.html).join('\t'))
      sources.push({ kind: 'row', table, row: r + 1, cells: cellSources })
    })
    // A table ends its paragraph: what follows is not a wrapped line of its last row.
    lines.push('')
    sources.push({ kind: 'blank' })
  }
  return { text: lines.join('\n'), sources, tables }
}
