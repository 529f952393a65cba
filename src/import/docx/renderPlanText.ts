// Lays a Word document out as the lines the importer's parser reads (parsePlanLines), and
// remembers where each line came from. A body paragraph is a text line (an empty one a blank
// line, a list item "- " and its text); a table row is a row whose cells keep their paragraphs and list items in order (a
// packed cell of "1.1 …", "1.2 …" reads as in the seeds). A one-cell row is a box of running
// text: its paragraphs are text lines. Merged cells are spread back over the grid: a cell merged
// across columns leaves the columns it covers empty, so every row's cells stay under their
// header; a cell merged down several rows is repeated in the rows it covers (a merged "By whom"
// is everyone's owner) unless it is the row's first column, where it names the rows (an
// objective) and is read once.
import { MAX_COLUMNS } from './limits.js'
import { tooLarge } from './refusal.js'
import type { SourceLine } from '../index.js'
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
  lines: SourceLine[]
  /** sources[i] is where lines[i] came from (in detail: each cell's place and text). */
  sources: LineSource[]
  /** Characters of text in all lines: the parser's size limit applies to it. */
  characters: number
}

export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** A cell's paragraphs (a line break inside one starts another), empty ones left out. */
function cellItems(paragraphs: WordParagraph[]): string[] {
  return paragraphs.flatMap(p => p.text.split('\n')).map(collapseSpaces).filter(Boolean)
}

function plainText(paragraphs: WordParagraph[]): string {
  return collapseSpaces(paragraphs.map(p => p.text).join(' '))
}

interface Spread {
  items: string[]
  origin: { row: number; cell: number }
  text: string
}

/** The table's rows as grids of cells, merged cells spread over the columns and rows they cover. */
function spreadTable(table: WordTable): Spread[][] {
  const carried: Array<{ rows: number; cell: WordCell; row: number; column: number } | undefined> = []
  const empty = (row: number, column: number): Spread => ({ items: [], origin: { row, cell: column + 1 }, text: '' })
  const out: Spread[][] = []
  table.rows.forEach((row, r) => {
    const line: Spread[] = []
    const takeCarried = () => {
      const c = carried[line.length]!
      const column = line.length
      // Repeated where it is a value of the row; read once where it names the rows (first column).
      line.push(column === 0 ? empty(r + 1, column) : { items: cellItems(c.cell.paragraphs), origin: { row: c.row, cell: c.column + 1 }, text: plainText(c.cell.paragraphs) })
      if (--c.rows === 0) carried[column] = undefined
    }
    for (const cell of row.cells) {
      while (carried[line.length]) takeCarried()
      const column = line.length
      line.push({ items: cellItems(cell.paragraphs), origin: { row: r + 1, cell: column + 1 }, text: plainText(cell.paragraphs) })
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
  const lines: SourceLine[] = []
  const sources: LineSource[] = []
  let characters = 0
  let paragraph = 0
  let tables = 0
  const blank = () => {
    lines.push({ kind: 'blank' })
    sources.push({ kind: 'blank' })
  }
  for (const block of blocks) {
    if (block.kind === 'paragraph') {
      paragraph++
      const parts = block.text.split('\n').map(collapseSpaces).filter(Boolean)
      if (parts.length === 0) blank()
      // A list item outside a table keeps a bullet, so a narrative's list still reads as one.
      for (const part of parts) {
        const text = block.list ? `- ${part}` : part
        characters += text.length
        lines.push({ kind: 'text', text, source: `paragraph ${paragraph}` })
        sources.push({ kind: 'paragraph', paragraph, heading: block.heading !== null, text })
      }
      continue
    }
    const table = ++tables
    spreadTable(block).forEach((cells, r) => {
      const tag = `table ${table}, row ${r + 1}`
      if (cells.every(c => c.items.length === 0)) {
        blank()
        return
      }
      const cellSources = cells.map(c => ({ table, row: c.origin.row, cell: c.origin.cell, text: c.text }))
      if (cells.length === 1) {
        // A box of running text: each paragraph a line.
        for (const text of cells[0].items) {
          characters += text.length
          lines.push({ kind: 'text', text, source: tag })
          sources.push({ kind: 'row', table, row: r + 1, cells: cellSources })
        }
        return
      }
      for (const c of cells) for (const item of c.items) characters += item.length
      lines.push({ kind: 'row', cells: cells.map(c => c.items), source: tag })
      sources.push({ kind: 'row', table, row: r + 1, cells: cellSources })
    })
    // A table ends its paragraph: what follows is not a wrapped line of its last row.
    blank()
  }
  return { lines, sources, characters }
}
