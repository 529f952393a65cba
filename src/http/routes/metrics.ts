// GET /metrics: the Prometheus text format. Never public: it is served on the API's port only
// with its own token (GRIDLEDGER_METRICS_TOKEN), or on a separate port (GRIDLEDGER_METRICS_PORT)
// that the operator keeps off the public network; with neither, there is no such route.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Metrics } from '../../app/metrics.js'
import { problem, sendProblem } from '../problem.js'

export interface MetricsRouteOptions {
  metrics: Metrics
  /** Required as `Authorization: Bearer <token>` when set. */
  token?: string
}

const digest = (value: string) => createHash('sha256').update(value).digest()

export default async function metricsRoutes(app: FastifyInstance, { metrics, token }: MetricsRouteOptions): Promise<void> {
  const expected = token ? digest(token) : null
  // An operator's endpoint with its own token, often on its own port: not part of the API's document.
  app.get('/metrics', { config: { auth: false, shedding: false }, schema: { hide: true, summary: 'Metrics in the Prometheus text format (its own token, or a separate port)' } }, async (request, reply) => {
    if (expected) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
      if (!m || !timingSafeEqual(digest(m[1]), expected)) {
        reply.header('WWW-Authenticate', 'Bearer realm="metrics"')
        return sendProblem(reply, problem(401, 'The metrics token is missing or wrong'))
      }
    }
    reply.type(metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}
