// The CSV dialect of every export: RFC 4180 (comma, CRLF, double quotes doubled, a field
// quoted when it holds a comma, quote or line break), UTF-8 with a byte order mark so Excel
// reads "£" and other non-ASCII text correctly; null is empty. Text is written verbatim except
// that a cell starting with = + - @ tab or CR gets a leading apostrophe (OWASP's CSV injection
// defence): a provider's note must never run as a formula on a commissioner's machine. JSON and
// XLSX (which stores text as text) keep the value exactly.
import { stringify } from 'csv-stringify/sync'

export interface CsvColumn<T> {
  header: string
  value(row: T): string | number | null | undefined
}

export const UTF8_BOM = '\uFEFF'

export function toCsv<T>(columns: CsvColumn<T>[], rows: Iterable<T>): string {
  const records: Array<Array<string>> = [columns.map(c => c.header)]
  for (const row of rows) {
    records.push(columns.map(c => {
      const v = c.value(row)
      if (v === null || v === undefined) return ''
      return typeof v === 'string' ? neutraliseFormula(v) : String(v)
    }))
  }
  return UTF8_BOM + stringify(records, { record_delimiter: '\r\n', eof: true })
}

const FORMULA_START = /^[=+\-@\t\r]/

/** Text that a spreadsheet would read as a formula, made inert. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}
