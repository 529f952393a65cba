// A Word document as the importer reads it: body paragraphs and tables in order. Cells keep
// their paragraphs (and whether each is a list item); merged cells keep their spans.

export interface WordParagraph {
  /** The paragraph's text: tabs as spaces, line breaks as "\n". */
  text: string
  /** 1–6 for a heading (or the document title), else null. */
  heading: number | null
  /** A list item (bulleted or numbered). */
  list: boolean
}

export interface WordCell {
  paragraphs: WordParagraph[]
  colSpan: number
  rowSpan: number
}

export interface WordRow {
  /** Marked to repeat at the top of each page the table runs over. */
  header: boolean
  cells: WordCell[]
}

export interface WordTable {
  kind: 'table'
  rows: WordRow[]
}

export type WordBlock = ({ kind: 'paragraph' } & WordParagraph) | WordTable
