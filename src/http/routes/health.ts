// Liveness, readiness and the API description: no token needed.
import type { FastifyInstance } from 'fastify'
import type { GridLedger } from '../../app/gridledger.js'
import { problem, sendProblem } from '../problem.js'
import { ServiceStatus } from '../responseSchemas.js'

export default async function healthRoutes(app: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  app.get('/health', { config: { auth: false, shedding: false }, schema: { tags: ['ops'], operationId: 'getHealth', summary: 'Liveness', response: { 200: ServiceStatus } } }, async () => ({ status: 'ok' }))

  app.get('/ready', { config: { auth: false }, schema: { tags: ['ops'], operationId: 'getReadiness', summary: 'Readiness: 200 when the event store answers and the server is not shedding load', response: { 200: ServiceStatus } } }, async (request, reply) => {
    try {
      await ledger.store.ping()
      return { status: 'ready' }
    } catch (error) {
      request.log.warn({ err: error }, 'store not ready')
      return sendProblem(reply, problem(503, 'The event store does not answer'))
    }
  })

  app.get('/openapi.json', { config: { auth: false }, schema: { hide: true } }, async () => app.swagger())
}
