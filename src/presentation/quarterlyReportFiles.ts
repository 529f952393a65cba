// The quarterly report as files for a monitoring meeting: CSV (see csv.ts) and XLSX (one
// sheet, bold headings as the meeting prints them, wrapped text, landscape, heading row
// repeated on every printed page). Both carry exactly the JSON rows' values, so they read back
// to the same table.
import ExcelJS from 'exceljs'
import { toCsv, type CsvColumn } from './csv.js'
import type { QuarterlyReport, QuarterlyReportRow } from '../projections/folds/quarterlyReport.js'

interface ReportColumn extends CsvColumn<QuarterlyReportRow> {
  key: keyof QuarterlyReportRow
  /** Column width in characters (XLSX). */
  width: number
  hidden?: boolean
}

const column = (key: keyof QuarterlyReportRow, header: string, width: number, hidden = false): ReportColumn => ({
  key,
  header,
  width,
  hidden,
  value: row => row[key],
})

/** Columns in printed order. The action id comes last (hidden in the XLSX) so a table can be matched back to the plan. */
export const REPORT_COLUMNS: readonly ReportColumn[] = [
  column('gridNumber', 'Grid', 6),
  column('objectiveNumber', 'Objective', 10),
  column('actionNumber', 'Action no.', 9),
  column('action', 'Action', 50),
  column('byWhen', 'By when', 18),
  column('byWhom', 'By whom', 20),
  column('rag', 'RAG', 8),
  column('status', 'Status', 13),
  column('progressToDate', 'Progress to date', 50),
  column('furtherAction', 'Further action', 40),
  column('effectiveDate', 'Effective date', 13),
  column('actionId', 'Action ID', 38, true),
]

export function quarterlyReportCsv(report: QuarterlyReport): string {
  return toCsv(REPORT_COLUMNS as ReportColumn[], report.rows)
}

export function reportSheetName(report: QuarterlyReport): string {
  // Sheet names may not hold / \ ? * [ ] : and are at most 31 characters.
  return `Q${report.quarter.number} ${report.year.replace('/', '-')}`
}

const RAG_FILLS: Record<string, string> = { red: 'FFFFC7CE', amber: 'FFFFEB9C', green: 'FFC6EFCE' }

/** Text for a print header: "&" introduces a code there, so a literal one is doubled. */
const headerText = (text: string) => text.replace(/&/g, '&&')

export async function quarterlyReportXlsx(report: QuarterlyReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'gridledger'
  // Reproducible properties: the report's asOf, not the time of export.
  workbook.created = new Date(report.asOf)
  workbook.modified = new Date(report.asOf)
  workbook.title = `${report.partnership}: ${report.title}, Q${report.quarter.number} ${report.year}`
  const sheet = workbook.addWorksheet(reportSheetName(report), {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
    },
    headerFooter: {
      oddHeader: `&L${headerText(report.partnership)}&C${headerText(report.title)}, quarter ${report.quarter.number} (${report.quarter.from} to ${report.quarter.to})&R${headerText(report.year)}`,
      oddFooter: `&LAs recorded at ${report.asOf}&RPage &P of &N`,
    },
  })
  sheet.columns = REPORT_COLUMNS.map(c => ({ header: c.header, key: c.key, width: c.width, hidden: c.hidden }))
  const heading = sheet.getRow(1)
  heading.font = { bold: true }
  heading.alignment = { vertical: 'top', wrapText: true }
  heading.eachCell(cell => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9D9D9' } }
    cell.border = { bottom: { style: 'thin' } }
  })
  for (const row of report.rows) {
    const values: Record<string, string | number | null> = {}
    for (const c of REPORT_COLUMNS) values[c.key] = row[c.key] ?? null
    const added = sheet.addRow(values)
    added.alignment = { vertical: 'top', wrapText: true }
    const fill = row.rag ? RAG_FILLS[row.rag] : undefined
    if (fill) added.getCell('rag').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } }
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: REPORT_COLUMNS.length } }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
