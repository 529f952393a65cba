// Reads a .docx's body into paragraphs and tables with mammoth (which reads the zip with jszip
// and the XML with xmldom). We take mammoth's document tree, not its HTML: tables with their
// rows, cells and merged-cell spans, paragraphs with their style (headings) and numbering
// (lists). Mammoth keeps inserted text and drops deleted text, so tracked changes read as
// accepted; comments and notes are not part of the body and are not read.
import mammoth from 'mammoth'
import { MAX_PARAGRAPHS, MAX_ROWS, MAX_TABLES } from './limits.js'
import { malformed, tooLarge } from './refusal.js'
import type { WordBlock, WordCell, WordParagraph, WordRow } from './wordModel.js'

/** Mammoth's document elements, as far as we read them (see mammoth/lib/documents.js). */
interface Element {
  type: string
  children?: Element[]
  value?: string
  styleId?: string | null
  styleName?: string | null
  numbering?: unknown
  isHeader?: boolean
  colSpan?: number
  rowSpan?: number
  breakType?: string
}

function headingLevel(p: Element): number | null {
  const name = p.styleName ?? ''
  const id = p.styleId ?? ''
  const m = /^heading\s*(\d)$/i.exec(name) ?? /^heading\s*(\d)$/i.exec(id)
  if (m) return Math.min(6, Math.max(1, Number(m[1])))
  if (/^title$/i.test(name) || /^title$/i.test(id)) return 1
  return null
}

class Collector {
  tables = 0
  rows = 0
  paragraphs = 0

  private countParagraph(): void {
    if (++this.paragraphs > MAX_PARAGRAPHS) throw tooLarge(`the Word document holds more than ${MAX_PARAGRAPHS} paragraphs; a plan holds far fewer`)
  }

  private countTable(): void {
    if (++this.tables > MAX_TABLES) throw tooLarge(`the Word document holds more than ${MAX_TABLES} tables; a plan holds some dozens`)
  }

  private countRow(): void {
    if (++this.rows > MAX_ROWS) throw tooLarge(`the Word document holds more than ${MAX_ROWS} table rows; a plan holds far fewer`)
  }

  /** The text of a paragraph's runs, hyperlinks and other inline containers. */
  private inlineText(children: Element[] | undefined, out: string[]): void {
    for (const child of children ?? []) {
      switch (child.type) {
        case 'text':
          out.push(child.value ?? '')
          break
        case 'tab':
          out.push(' ')
          break
        case 'break':
          // A line break; page and column breaks end no line of text.
          out.push(child.breakType === 'line' || !child.breakType ? '\n' : ' ')
          break
        case 'checkbox':
        case 'image':
        case 'noteReference':
        case 'commentReference':
        case 'bookmarkStart':
          break
        default:
          this.inlineText(child.children, out)
      }
    }
  }

  paragraph(p: Element): WordParagraph {
    this.countParagraph()
    const parts: string[] = []
    this.inlineText(p.children, parts)
    const heading = headingLevel(p)
    // Headings are often numbered through the outline; that does not make them list items.
    return { text: parts.join(''), heading, list: p.numbering != null && heading === null }
  }

  /** Body content: paragraphs and tables, in order. */
  blocks(children: Element[] | undefined): WordBlock[] {
    const out: WordBlock[] = []
    for (const child of children ?? []) {
      if (child.type === 'paragraph') out.push({ kind: 'paragraph', ...this.paragraph(child) })
      else if (child.type === 'table') out.push({ kind: 'table', rows: this.rowsOf(child) })
      else if (child.children) out.push(...this.blocks(child.children))
    }
    return out
  }

  private rowsOf(table: Element): WordRow[] {
    this.countTable()
    const rows: WordRow[] = []
    for (const row of table.children ?? []) {
      if (row.type !== 'tableRow') continue
      this.countRow()
      const cells: WordCell[] = []
      for (const cell of row.children ?? []) {
        if (cell.type !== 'tableCell') continue
        cells.push({ paragraphs: this.cellParagraphs(cell.children), colSpan: Math.max(1, cell.colSpan ?? 1), rowSpan: Math.max(1, cell.rowSpan ?? 1) })
      }
      rows.push({ header: !!row.isHeader, cells })
    }
    return rows
  }

  /** A cell's paragraphs; a table nested in a cell gives its cells' paragraphs, row by row. */
  private cellParagraphs(children: Element[] | undefined): WordParagraph[] {
    const out: WordParagraph[] = []
    for (const child of children ?? []) {
      if (child.type === 'paragraph') out.push(this.paragraph(child))
      else if (child.type === 'table') {
        this.countTable()
        for (const row of child.children ?? []) {
          this.countRow()
          for (const cell of row.children ?? []) out.push(...this.cellParagraphs(cell.children))
        }
      } else if (child.children) out.push(...this.cellParagraphs(child.children))
    }
    return out
  }
}

/** The body of a .docx as blocks. The bytes must have passed readZipParts' checks. */
export async function readWordDocument(bytes: Buffer): Promise<WordBlock[]> {
  const collector = new Collector()
  let blocks: WordBlock[] | null = null
  let refusal: unknown = null
  try {
    await mammoth.convertToHtml(
      { buffer: bytes },
      {
        externalFileAccess: false,
        transformDocument: (document: Element) => {
          try {
            blocks = collector.blocks(document.children)
          } catch (error) {
            refusal = error
          }
          // Nothing left for mammoth to turn into HTML: we only wanted the tree.
          return { ...document, children: [] }
        },
      },
    )
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (/main document part/i.test(message)) {
      throw malformed('not a Word document: it has no main document part (word/document.xml)')
    }
    throw malformed(`not a readable Word document: ${message}`)
  }
  if (refusal) throw refusal
  if (!blocks) throw malformed('not a readable Word document: no body')
  return blocks
}
