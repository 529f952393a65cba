// What auditors ask of one plan beyond its history: what changed between two instants,
// the quarterly reports signed off, and the plan's events exported for checking offline.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { GridLedger } from '../../../../app/gridledger.js'
import { ChangesQuery, PlanChanges } from '../../../auditSchemas.js'
import { PlanParams, Problem } from '../../../schemas.js'
import { AUDIT_READERS } from '../../roles.js'

export default async function auditRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get('/v1/plans/:planId/changes', {
    config: { roles: AUDIT_READERS },
    schema: {
      tags: ['audit'],
      summary: 'The plan at `to` compared with the plan at `from`: items added, withdrawn, and each changed field before and after',
      params: PlanParams,
      querystring: ChangesQuery,
      response: { 200: PlanChanges, 400: Problem, 404: Problem },
    },
  }, async request => ledger.plans.changes(request.params.planId, request.principal!, request.query))
}
