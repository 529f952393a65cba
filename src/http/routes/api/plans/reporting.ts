// What monitoring meetings and providers record against actions: progress and RAG ratings.
// Providers may do this only for actions one of their labels owns (checked by the domain);
// a provider's RAG is a proposal until a commissioner sets the rating.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { RagProposed, RagSet } from '../../../../domain/events.js'
import { BulkProgressRecorded, ProgressRecorded, RagAnswer, RagProposalAnswer } from '../../../responseSchemas.js'
import { ActionParams, BulkProgress, PlanParams, ReportProgress, SetRag } from '../../../schemas.js'
import { REPORTERS } from '../../roles.js'

export default async function reportingRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.post('/v1/plans/:planId/actions/:actionId/progress', {
    config: { roles: REPORTERS },
    schema: { tags: ['progress'], operationId: 'reportProgress', summary: 'Report progress on an action (ReportProgress)', params: ActionParams, body: ReportProgress, response: { 201: ProgressRecorded } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'ReportProgress', actionId: request.params.actionId, ...request.body }],
      respond: outcome => ({ status: 201, body: { eventId: outcome.events[0].id, recordedAt: outcome.recordedAt, version: outcome.version } }),
    }),
  )

  app.post('/v1/plans/:planId/progress', {
    config: { roles: REPORTERS, batchItems: 'items' },
    schema: {
      tags: ['progress'],
      operationId: 'reportProgressInBulk',
      summary: 'Report progress on many actions at once: all or nothing (ReportProgress × 1–500)',
      description: "One atomic append: every item is checked (a provider's scope included) before anything is recorded; a refusal names the item (`items.N`). One Idempotency-Key covers the batch.",
      params: PlanParams,
      body: BulkProgress,
      response: { 201: BulkProgressRecorded },
    },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: request.body.items.map(item => ({ type: 'ReportProgress' as const, ...item })),
      respond: outcome => ({
        status: 201,
        body: { items: outcome.events.map(e => ({ eventId: e.id, recordedAt: outcome.recordedAt })), version: outcome.version },
      }),
    }),
  )

  app.put('/v1/plans/:planId/actions/:actionId/rag', {
    config: { roles: REPORTERS },
    schema: {
      tags: ['progress'],
      operationId: 'setRag',
      summary: 'Set the RAG rating (SetRAG); from a provider, propose one (202, RagProposed)',
      params: ActionParams,
      body: SetRag,
      response: { 200: RagAnswer, 202: RagProposalAnswer },
    },
  }, async (request, reply) => {
    const proposal = request.principal!.role === 'provider'
    const { actionId, planId } = request.params
    return app.runCommand(request, reply, {
      planId,
      commands: [{ type: proposal ? 'ProposeRag' : 'SetRag', actionId, ...request.body }],
      respond: outcome => {
        const d = outcome.events[0].data as unknown as RagSet | RagProposed
        const rating = { rag: d.rag, effectiveDate: d.effectiveDate, reason: d.reason }
        return proposal
          ? { status: 202, body: { actionId, proposedRag: { ...rating, recordedAt: outcome.recordedAt }, eventId: outcome.events[0].id, version: outcome.version } }
          : { status: 200, body: { actionId, ...rating, eventId: outcome.events[0].id, recordedAt: outcome.recordedAt, version: outcome.version } }
      },
    })
  })
}
