// What auditors ask of one plan beyond its history: what changed between two instants,
// the quarterly reports signed off, and the plan's events exported for checking offline.
import type { FastifyInstance } from 'fastify'
import { Readable } from 'node:stream'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { GridLedger } from '../../../../app/gridledger.js'
import type { ReportSignedOff } from '../../../../domain/events.js'
import type { QuarterNumber } from '../../../../domain/values/financialYear.js'
import { ChangesQuery, ExportDoc, PlanChanges, PublicKeys, SignedHead, SignedReport, SignOffBody, SignOffCreated, SignOffList, SignOffParams } from '../../../auditSchemas.js'
import { PlanParams, Problem } from '../../../schemas.js'
import { AUDIT_READERS, EDITORS } from '../../roles.js'

export default async function auditRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get('/v1/plans/:planId/changes', {
    config: { roles: AUDIT_READERS },
    schema: {
      tags: ['audit'],
      operationId: 'getPlanChanges',
      summary: 'The plan at `to` compared with the plan at `from`: items added, withdrawn, and each changed field before and after',
      params: PlanParams,
      querystring: ChangesQuery,
      response: { 200: PlanChanges, 400: Problem, 404: Problem },
    },
  }, async request => ledger.plans.changes(request.params.planId, request.principal!, request.query))

  app.post('/v1/plans/:planId/signoffs', {
    config: { roles: EDITORS },
    schema: {
      tags: ['audit'],
      operationId: 'signOffQuarter',
      summary: "Sign off a quarter's report: the report as recorded now, frozen with the signer, the time and the sha256 of its canonical JSON",
      params: PlanParams,
      body: SignOffBody,
      response: { 201: SignOffCreated, 400: Problem, 403: Problem, 404: Problem, 412: Problem },
    },
  }, async (request, reply) => {
    const { planId } = request.params
    const principal = request.principal!
    const command = await ledger.signOffs.command(planId, principal, { ...request.body, quarter: request.body.quarter as QuarterNumber })
    return app.runCommand(request, reply, {
      planId,
      commands: [command],
      respond: outcome => {
        const d = outcome.events[0].data as unknown as ReportSignedOff
        const { tokenId, role, label } = principal
        return {
          status: 201,
          headers: { Location: `/v1/plans/${planId}/signoffs/${d.signoffId}` },
          body: {
            id: d.signoffId, quarter: d.quarter, asOf: d.asOf, signedBy: d.signedBy, note: d.note, contentHash: d.contentHash,
            signedAt: outcome.recordedAt, actor: { tokenId, role, label }, reportVersion: d.reportVersion, position: outcome.version, signedHead: d.signedHead ?? null,
            version: outcome.version,
          },
        }
      },
    })
  })

  app.get('/v1/plans/:planId/signoffs', {
    config: { roles: AUDIT_READERS },
    schema: { tags: ['audit'], operationId: 'listSignOffs', summary: "The plan's signed-off quarterly reports, oldest first", params: PlanParams, response: { 200: SignOffList, 404: Problem } },
  }, async request => ({ items: await ledger.signOffs.list(request.params.planId, request.principal!) }))

  app.get('/v1/plans/:planId/signoffs/:signoffId', {
    config: { roles: AUDIT_READERS },
    schema: { tags: ['audit'], operationId: 'getSignOff', summary: 'A sign-off with its report exactly as signed', params: SignOffParams, response: { 200: SignedReport, 404: Problem } },
  }, async request => ledger.signOffs.get(request.params.planId, request.principal!, request.params.signoffId))

  app.get('/v1/plans/:planId/export', {
    config: { roles: AUDIT_READERS },
    schema: {
      tags: ['audit'],
      operationId: 'exportPlan',
      summary: "Every event of the plan as NDJSON with its position, hash and prevHash, for `gridledger verify --file` (streamed)",
      params: PlanParams,
      response: { 200: { description: 'One JSON object per line: the count and head, then each event', content: { 'application/x-ndjson': { schema: ExportDoc } } }, 404: Problem },
    },
  }, async (request, reply) => {
    const { planId } = request.params
    const lines = await ledger.exports.lines(planId)
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="plan-${planId}-export.ndjson"`)
      .send(Readable.from(lines, { objectMode: false }))
  })

  app.get('/v1/plans/:planId/head', {
    config: { roles: AUDIT_READERS },
    schema: {
      tags: ['audit'],
      operationId: 'getSignedHead',
      summary: "The plan's chain head, signed now with the server's Ed25519 key: keep it, and `gridledger verify --file … --key … --head …` proves later that history up to it was not rewritten",
      params: PlanParams,
      response: { 200: SignedHead, 404: Problem },
    },
  }, async request => ledger.heads.sign(request.params.planId))

  app.get('/v1/keys', {
    config: { auth: false },
    schema: { tags: ['audit'], operationId: 'listSigningKeys', summary: "The public half of the server's signing key (no token needed: keep a copy apart from the exports it checks)", response: { 200: PublicKeys } },
  }, async () => {
    const { keyId, publicKeyPem } = ledger.heads.signer
    return { items: [{ keyId, algorithm: 'Ed25519' as const, publicKey: publicKeyPem }] }
  })
}
