// The CSV dialect of every export: RFC 4180 (comma, CRLF, double quotes doubled, a field
// quoted when it holds a comma, quote or line break), UTF-8 with a byte order mark so Excel
// reads "£" and other non-ASCII text correctly. Values are written verbatim; null is empty.
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
      return v === null || v === undefined ? '' : String(v)
    }))
  }
  return UTF8_BOM + stringify(records, { record_delimiter: '\r\n', eof: true })
}
