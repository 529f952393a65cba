// Quarterly report: given a plan's history, when the report for a quarter is asked as of an
// instant, then one row per action as it stood at the quarter's end; CSV and XLSX carry the
// same table.
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import t from 'tap'
import { quarterlyReport, type QuarterlyReport } from '../../src/projections/folds/quarterlyReport.js'
import { quarterlyReportCsv, quarterlyReportXlsx, REPORT_COLUMNS } from '../../src/presentation/quarterlyReportFiles.js'
import { commissioner, provider, PlanScript } from './support/planScript.js'

const cnwl = provider('CNWL')

function plan() {
  const s = new PlanScript('p-staffs', '2008-04-02T09:00:00.000Z').create('Staffordshire DAT', '2008/09')
  const g1 = s.grid(1, 'Commissioning')
  const g3 = s.grid(3, 'Harm reduction')
  const o1 = s.objective(g1, 'Commission tier 4', '1')
  const o3 = s.objective(g3, 'Needle exchange coverage', '3.1')
  const a1 = s.action(o1, { number: '1.1', text: 'Tender residential rehab, "tier 4", £150,000 pot', due: 'June 2008', owners: ['ICM', 'DM'], cost: '£150,000' })
  const a2 = s.action(o3, { number: '1', text: 'Open a pharmacy scheme\nin Tamworth', due: 'Qtr 2', owners: ['CNWL'], cost: '50k - TBC' })
  const a3 = s.action(o1, { text: 'Joint commissioning group meets', due: 'Quarterly', owners: [] })
  return { s, a1, a2, a3 }
}

function withProgress() {
  const p = plan()
  const { s, a1, a2 } = p
  s.at('2008-06-30T16:00:00Z').as(commissioner).run({ type: 'ReportProgress', actionId: a1, effectiveDate: '2008-06-30', note: 'Tender issued', status: 'in_progress', furtherAction: 'Evaluate bids' })
  s.at('2008-07-01T09:00:00Z').run({ type: 'ReportProgress', actionId: a1, effectiveDate: '2008-07-01', note: 'Bids received', status: 'in_progress' })
  s.at('2008-07-12T14:00:00Z').run({ type: 'SetRag', actionId: a1, rag: 'amber', effectiveDate: '2008-06-30', reason: 'Late' })
  s.at('2008-07-12T14:05:00Z').run({ type: 'SetRag', actionId: a1, rag: 'green', effectiveDate: '2008-07-12' })
  s.at('2008-08-20T10:00:00Z').as(cnwl).run({ type: 'ReportProgress', actionId: a2, effectiveDate: '2008-06-30', note: '4 pharmacies signed — £ 4,400 spent', status: 'completed', percentComplete: 100 })
  return p
}

t.test('given progress either side of 30 June / 1 July, when Q1 and Q2 are reported, then each shows what stood at its end', async t => {
  const { s, a1, a2, a3 } = withProgress()
  const q1 = quarterlyReport(s.events, { quarter: 1, asOf: '2008-09-01T00:00:00Z' })!
  t.same(q1.quarter, { number: 1, from: '2008-04-01', to: '2008-06-30' })
  t.equal(q1.planId, 'p-staffs')
  t.equal(q1.year, '2008/09')
  t.equal(q1.asOf, '2008-09-01T00:00:00.000Z')
  t.same(q1.rows, [
    {
      gridNumber: 1, objectiveNumber: '1', actionId: a1, actionNumber: '1.1', action: 'Tender residential rehab, "tier 4", £150,000 pot',
      byWhen: 'June 2008', byWhom: 'ICM, DM', rag: 'amber', status: 'in_progress', progressToDate: 'Tender issued', furtherAction: 'Evaluate bids', effectiveDate: '2008-06-30',
    },
    {
      gridNumber: 1, objectiveNumber: '1', actionId: a3, actionNumber: null, action: 'Joint commissioning group meets',
      byWhen: 'Quarterly', byWhom: '', rag: null, status: null, progressToDate: null, furtherAction: null, effectiveDate: null,
    },
    {
      gridNumber: 3, objectiveNumber: '3.1', actionId: a2, actionNumber: '1', action: 'Open a pharmacy scheme\nin Tamworth',
      byWhen: 'Qtr 2', byWhom: 'CNWL', rag: null, status: 'completed', progressToDate: '4 pharmacies signed — £ 4,400 spent', furtherAction: null, effectiveDate: '2008-06-30',
    },
  ], 'rows in plan order: grids by number, then objectives and actions as added')

  const q2 = quarterlyReport(s.events, { quarter: 2, asOf: '2008-09-01T00:00:00Z' })!
  t.same(q2.quarter, { number: 2, from: '2008-07-01', to: '2008-09-30' })
  t.match(q2.rows[0], { progressToDate: 'Bids received', effectiveDate: '2008-07-01', rag: 'green', furtherAction: null })
  t.match(q2.rows[2], { progressToDate: '4 pharmacies signed — £ 4,400 spent', effectiveDate: '2008-06-30' }, 'latest progress on or before the end, even from an earlier quarter')
})

t.test('given a late correction, when the Q1 report is asked as of the meeting, then the printed report is reproduced exactly', async t => {
  const { s, a2 } = withProgress()
  const atMeeting = quarterlyReport(s.events, { quarter: 1, asOf: '2008-07-12T16:00:00Z' })!
  t.match(atMeeting.rows.find(r => r.actionId === a2), { progressToDate: null, status: null }, 'the August correction was not yet recorded')
  const later = quarterlyReport(s.events, { quarter: 1, asOf: '2008-08-21T00:00:00Z' })!
  t.match(later.rows.find(r => r.actionId === a2), { progressToDate: '4 pharmacies signed — £ 4,400 spent' })
  t.same(quarterlyReport(s.events, { quarter: 1, asOf: '2008-07-12T16:00:00Z' }), atMeeting, 'same asOf, same report')
  t.match(atMeeting.rows[0], { rag: 'amber', effectiveDate: '2008-06-30' }, 'RAG in force on 30 June, set at the July meeting')
})

t.test('Q3 and Q4 bounds; Q4 lies in the next calendar year', async t => {
  const { s } = plan()
  t.same(quarterlyReport(s.events, { quarter: 3, asOf: '2009-01-01T00:00:00Z' })!.quarter, { number: 3, from: '2008-10-01', to: '2008-12-31' })
  t.same(quarterlyReport(s.events, { quarter: 4, asOf: '2009-01-01T00:00:00Z' })!.quarter, { number: 4, from: '2009-01-01', to: '2009-03-31' })
})

t.test('a withdrawn action leaves the reports asked after its withdrawal', async t => {
  const { s, a3 } = plan()
  s.at('2008-05-01T00:00:00Z').run({ type: 'WithdrawAction', actionId: a3 })
  t.notOk(quarterlyReport(s.events, { quarter: 1, asOf: '2008-05-02T00:00:00Z' })!.rows.some(r => r.actionId === a3))
  t.ok(quarterlyReport(s.events, { quarter: 1, asOf: '2008-04-30T00:00:00Z' })!.rows.some(r => r.actionId === a3))
})

t.test('no plan as of asOf → null; a bad quarter is refused', async t => {
  const { s } = plan()
  t.equal(quarterlyReport(s.events, { quarter: 1, asOf: '2008-01-01T00:00:00Z' }), null)
  t.throws(() => quarterlyReport(s.events, { quarter: 5 as 1, asOf: '2008-05-01T00:00:00Z' }), RangeError)
})

/** A report's rows as the exports carry them: every value text, null as empty. */
function asTable(report: QuarterlyReport): string[][] {
  return report.rows.map(row => REPORT_COLUMNS.map(c => (row[c.key] === null ? '' : String(row[c.key]))))
}

t.test('CSV: RFC 4180, UTF-8 with a BOM, meeting headings; parsed back it matches the JSON', async t => {
  const { s } = withProgress()
  const report = quarterlyReport(s.events, { quarter: 1, asOf: '2008-09-01T00:00:00Z' })!
  const csv = quarterlyReportCsv(report)
  t.ok(csv.startsWith('\uFEFF'), 'a byte order mark, so Excel reads £ as £')
  t.ok(Buffer.from(csv, 'utf8').includes(Buffer.from('£150,000', 'utf8')), 'UTF-8 £')
  t.match(csv, /\r\n$/, 'CRLF record ends')
  t.match(csv, /"Tender residential rehab, ""tier 4"", £150,000 pot"/, 'quotes doubled inside a quoted field')
  const records: string[][] = parse(csv, { bom: true, relax_column_count: false })
  t.same(records[0], ['Grid', 'Objective', 'Action no.', 'Action', 'By when', 'By whom', 'RAG', 'Status', 'Progress to date', 'Further action', 'Effective date', 'Action ID'])
  t.same(records.slice(1), asTable(report), 'the rows read back equal the JSON rows')
  const objects: Record<string, string>[] = parse(csv, { bom: true, columns: true })
  t.same(objects.map(o => o['Action ID']), report.rows.map(r => r.actionId))
})

t.test('CSV of a report without rows is the heading line', async t => {
  const s = new PlanScript('p-empty').create()
  const csv = quarterlyReportCsv(quarterlyReport(s.events, { quarter: 2, asOf: '2030-01-01T00:00:00Z' })!)
  t.same(parse(csv, { bom: true }), [REPORT_COLUMNS.map(c => c.header)])
})

t.test('XLSX: one sheet, bold meeting headings, wrapped text; opened with exceljs it matches the JSON', async t => {
  const { s } = withProgress()
  const report = quarterlyReport(s.events, { quarter: 1, asOf: '2008-09-01T00:00:00Z' })!
  const buffer = await quarterlyReportXlsx(report)
  t.ok(Buffer.isBuffer(buffer))
  t.equal(buffer.subarray(0, 2).toString('latin1'), 'PK', 'a zip (OOXML) file')
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer)
  t.equal(workbook.worksheets.length, 1, 'one sheet')
  const sheet = workbook.worksheets[0]
  t.equal(sheet.name, 'Q1 2008-09')
  const header = sheet.getRow(1)
  t.same(REPORT_COLUMNS.map((_, i) => header.getCell(i + 1).value), REPORT_COLUMNS.map(c => c.header))
  t.equal(header.font?.bold ?? header.getCell(1).font?.bold, true, 'bold headings')
  t.equal(sheet.getRow(2).getCell(4).alignment?.wrapText, true, 'wrapped text')
  t.ok((sheet.getColumn(4).width ?? 0) >= 30, 'a wide action column')
  t.equal(sheet.rowCount, report.rows.length + 1)
  const table: string[][] = []
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r)
    table.push(REPORT_COLUMNS.map((_, i) => {
      const v = row.getCell(i + 1).value
      return v === null || v === undefined ? '' : String(v)
    }))
  }
  t.same(table, asTable(report), 'the sheet reads back as the JSON rows')
  t.equal(sheet.getRow(2).getCell(1).value, 1, 'grid numbers are numbers')
})
