// Reports, history and integrity of one plan.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { QuarterNumber } from '../../../../domain/values/financialYear.js'
import { historyCsv } from '../../../../presentation/historyCsv.js'
import { quarterlyReportCsv, quarterlyReportXlsx } from '../../../../presentation/quarterlyReportFiles.js'
import type { GridLedger } from '../../../../app/gridledger.js'
import { HistoryDoc, HistoryQuery, Integrity, PlanParams, Problem, ReportDoc, ReportQuery } from '../../../schemas.js'
import { AUDIT_READERS, EVERYONE } from '../../roles.js'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export default async function readRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get('/v1/plans/:planId/reports/quarterly', {
    config: { roles: EVERYONE },
    schema: {
      tags: ['reports'],
      summary: 'Quarterly progress report: one row per action as it stood at the quarter end (json, csv, xlsx)',
      params: PlanParams,
      querystring: ReportQuery,
      response: { 200: ReportDoc, 404: Problem },
    },
  }, async (request, reply) => {
    const { quarter, asOf } = request.query
    const format = request.query.format ?? (/\btext\/csv\b/.test(request.headers.accept ?? '') ? 'csv' : /spreadsheetml/.test(request.headers.accept ?? '') ? 'xlsx' : 'json')
    const report = await ledger.plans.report(request.params.planId, request.principal!, { quarter: quarter as QuarterNumber, asOf })
    const name = `plan-${report.planId}-${report.year.replace('/', '-')}-Q${quarter}`
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`).send(quarterlyReportCsv(report))
    }
    if (format === 'xlsx') {
      return reply.type(XLSX).header('Content-Disposition', `attachment; filename="${name}.xlsx"`).send(await quarterlyReportXlsx(report))
    }
    return report
  })

  app.get('/v1/plans/:planId/history', {
    config: { roles: AUDIT_READERS },
    schema: {
      tags: ['audit'],
      summary: 'Every change to the plan, oldest first, paged by position',
      params: PlanParams,
      querystring: HistoryQuery,
      response: { 200: HistoryDoc, 404: Problem },
    },
  }, async (request, reply) => {
    const { format, ...options } = request.query
    const page = await ledger.plans.history(request.params.planId, request.principal!, options)
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="plan-${request.params.planId}-history.csv"`).send(historyCsv(page.items))
    }
    return page
  })

  app.get('/v1/plans/:planId/integrity', {
    config: { roles: AUDIT_READERS },
    schema: { tags: ['audit'], summary: "Check the plan's history against its hash chain", params: PlanParams, response: { 200: Integrity, 404: Problem } },
  }, async request => ledger.plans.integrity(request.params.planId))
}
