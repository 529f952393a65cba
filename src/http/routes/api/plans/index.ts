// Plans: create, list, read as of an instant and effective on a date.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { PlanCreated } from '../../../../domain/events.js'
import { newId } from '../../../../app/ids.js'
import type { GridLedger } from '../../../../app/gridledger.js'
import { sendConditional, sendJsonText } from '../../../conditional.js'
import { CreatePlan, NotModified, PlanList, PlanParams, PlanStateDoc, PlanStateQuery, PlanSummary } from '../../../schemas.js'
import { EDITORS, EVERYONE } from '../../roles.js'

export default async function planRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.post('/v1/plans', {
    config: { roles: EDITORS },
    schema: { tags: ['plans'], operationId: 'createPlan', summary: 'Create a plan (CreatePlan)', body: CreatePlan, response: { 201: PlanSummary } },
  }, async (request, reply) => {
    const planId = newId()
    return app.runCommand(request, reply, {
      planId,
      commands: [{ type: 'CreatePlan', planId, ...request.body }],
      respond: outcome => {
        const d = outcome.events[0].data as unknown as PlanCreated
        return {
          status: 201,
          headers: { Location: `/v1/plans/${planId}` },
          body: { id: planId, partnership: d.partnership, year: d.year, title: d.title, version: outcome.version },
        }
      },
    })
  })

  app.get('/v1/plans', {
    config: { roles: EVERYONE },
    schema: { tags: ['plans'], operationId: 'listPlans', summary: 'Plans the caller may see', response: { 200: PlanList } },
  }, async (request, reply) => sendJsonText(reply, { items: await ledger.plans.list(request.principal!) }))

  app.get('/v1/plans/:planId', {
    config: { roles: EVERYONE },
    schema: {
      tags: ['plans'],
      operationId: 'getPlan',
      summary: 'Plan state as recorded at asOf and effective on effectiveOn',
      params: PlanParams,
      querystring: PlanStateQuery,
      response: { 200: PlanStateDoc, 304: NotModified },
    },
  }, async (request, reply) => {
    const { planId } = request.params
    if (request.query.asOf === undefined && request.query.effectiveOn === undefined) {
      // As recorded now: the prepared answer, its ETag naming the version and today's date.
      const current = await ledger.plans.currentState(planId, request.principal!)
      return sendConditional(request, reply, current.etag, current.bytes)
    }
    const state = await ledger.plans.state(planId, request.principal!, request.query)
    return sendConditional(request, reply, `W/"${state.version}"`, () => JSON.stringify(state))
  })
}

