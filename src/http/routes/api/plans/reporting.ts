// What monitoring meetings and providers record against actions: progress and RAG ratings.
// Providers may do this only for actions one of their labels owns (checked by the domain);
// a provider's RAG is a proposal until a commissioner sets the rating.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { RagProposed, RagSet } from '../../../../domain/events.js'
import { ActionParams, CommandAnswer, ProgressRecorded, Problem, ReportProgress, SetRag } from '../../../schemas.js'
import { REPORTERS } from '../../roles.js'

export default async function reportingRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const problems = { 400: Problem, 403: Problem, 404: Problem, 409: Problem, 412: Problem }

  app.post('/v1/plans/:planId/actions/:actionId/progress', {
    config: { roles: REPORTERS },
    schema: { tags: ['progress'], summary: 'Report progress on an action (ReportProgress)', params: ActionParams, body: ReportProgress, response: { 201: ProgressRecorded, ...problems } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'ReportProgress', actionId: request.params.actionId, ...request.body }],
      respond: outcome => ({ status: 201, body: { eventId: outcome.events[0].id, recordedAt: outcome.recordedAt, version: outcome.version } }),
    }),
  )

  app.put('/v1/plans/:planId/actions/:actionId/rag', {
    config: { roles: REPORTERS },
    schema: {
      tags: ['progress'],
      summary: 'Set the RAG rating (SetRAG); from a provider, propose one (202, RagProposed)',
      params: ActionParams,
      body: SetRag,
      response: { 200: CommandAnswer, 202: CommandAnswer, ...problems },
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
