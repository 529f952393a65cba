import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sha256Hex } from '../../../app/ids.js'
import { problem } from '../../problem.js'
import { bearerToken } from '../app/auth.js'

// Requests per minute per token (per address without one). 0 turns the limit off.
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    // Keyed on a hash of the token: the limiter's memory never holds a bearer token.
    keyGenerator: (request: FastifyRequest) => {
      const token = bearerToken(request)
      return token ? `t:${sha256Hex(token).slice(0, 32)}` : `ip:${request.ip}`
    },
    allowList: (request: FastifyRequest) => request.url === '/health' || request.url === '/ready',
    errorResponseBuilder: (_request, context) => {
      const body = problem(429, `Rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`)
      return Object.assign(new Error(body.detail), { statusCode: 429 })
    },
  })
}
