// Reports, history and integrity of one plan.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { QuarterNumber } from '../../../../domain/values/financialYear.js'
import { historyCsv } from '../../../../presentation/historyCsv.js'
import { quarterlyReportCsv, quarterlyReportXlsx } from '../../../../presentation/quarterlyReportFiles.js'
import { SELF_CONTAINED_CSP } from '../../../../presentation/htmlPage.js'
import { quarterlyPackHtml } from '../../../../presentation/quarterlyPack.js'
import type { GridLedger } from '../../../../app/gridledger.js'
import type { QuarterlyReport } from '../../../../projections/folds/quarterlyReport.js'
import { answeredNotModified, sendConditional, sendJsonText } from '../../../conditional.js'
import { z } from 'zod'
import { HistoryDoc, HistoryQuery, Integrity, NotModified, PlanParams, ReportDoc, ReportQuery } from '../../../schemas.js'
import { AUDIT_READERS, EVERYONE } from '../../roles.js'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const csvText = z.string().meta({ description: 'CSV with a header row' })
const xlsxFile = z.string().meta({ format: 'binary', description: 'An Excel workbook' })

export default async function readRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get('/v1/plans/:planId/reports/quarterly', {
    config: { roles: EVERYONE },
    schema: {
      tags: ['reports'],
      operationId: 'getQuarterlyReport',
      summary: 'Quarterly progress report: one row per action as it stood at the quarter end (json, csv, xlsx; html: the printable pack)',
      params: PlanParams,
      querystring: ReportQuery,
      response: { 200: { description: 'The report as JSON, CSV (format=csv or Accept: text/csv), XLSX, or the printable meeting pack (format=html)', content: { 'application/json': { schema: ReportDoc }, 'text/csv': { schema: csvText }, [XLSX]: { schema: xlsxFile }, 'text/html': { schema: z.string().meta({ description: 'One self-contained HTML page for A4 landscape printing' }) } } }, 304: NotModified },
    },
  }, async (request, reply) => {
    const { quarter, asOf } = request.query
    const format = request.query.format ?? (/\btext\/csv\b/.test(request.headers.accept ?? '') ? 'csv' : /spreadsheetml/.test(request.headers.accept ?? '') ? 'xlsx' : 'json')
    const { planId } = request.params
    // The answer depends on Accept when the query does not name a format.
    if (request.query.format === undefined) reply.header('Vary', 'Accept')
    // As recorded now: the prepared answer (ETag: the version); as of an instant, a fold (weak ETag).
    const current = asOf === undefined ? await ledger.plans.currentReport(planId, request.principal!, quarter as QuarterNumber) : null
    const folded = current ? null : await ledger.plans.versionedReport(planId, request.principal!, { quarter: quarter as QuarterNumber, asOf })
    const version = current?.version ?? folded!.version
    const tag = format === 'json' ? `${version}` : `${version}-${format}`
    const etag = current ? `"${tag}"` : `W/"${tag}"`
    if (format === 'json') return sendConditional(request, reply, etag, () => current?.bytes() ?? JSON.stringify(folded!.report))
    if (answeredNotModified(request, reply, etag)) return reply
    const report = folded?.report ?? (JSON.parse(current!.bytes().toString('utf8')) as QuarterlyReport)
    const name = `plan-${report.planId}-${report.year.replace('/', '-')}-Q${quarter}`
    if (format === 'html') {
      // The printable pack: grid titles from the plan as the report was recorded.
      const plan = await ledger.plans.state(planId, request.principal!, { asOf: folded ? report.asOf : undefined, effectiveOn: report.quarter.to })
      return reply.type('text/html; charset=utf-8').header('Content-Security-Policy', SELF_CONTAINED_CSP).send(quarterlyPackHtml(report, plan.grids))
    }
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`).send(quarterlyReportCsv(report))
    }
    return reply.type(XLSX).header('Content-Disposition', `attachment; filename="${name}.xlsx"`).send(await quarterlyReportXlsx(report))
  })

  app.get('/v1/plans/:planId/history', {
    config: { roles: AUDIT_READERS },
    schema: {
      tags: ['audit'],
      operationId: 'getHistory',
      summary: 'Every change to the plan, oldest first, paged by position',
      params: PlanParams,
      querystring: HistoryQuery,
      response: { 200: { description: 'A page of history entries, oldest first (or CSV with format=csv)', content: { 'application/json': { schema: HistoryDoc }, 'text/csv': { schema: csvText } } } },
    },
  }, async (request, reply) => {
    const { format, ...options } = request.query
    const page = await ledger.plans.history(request.params.planId, request.principal!, options)
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="plan-${request.params.planId}-history.csv"`).send(historyCsv(page.items))
    }
    return sendJsonText(reply, page)
  })

  app.get('/v1/plans/:planId/integrity', {
    config: { roles: AUDIT_READERS },
    schema: { tags: ['audit'], operationId: 'checkIntegrity', summary: "Check the plan's history against its hash chain", params: PlanParams, response: { 200: Integrity } },
  }, async request => ledger.plans.integrity(request.params.planId))
}
