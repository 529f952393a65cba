// Bearer-token authentication and per-route role checks, as one onRequest hook. Routes
// declare `config: { auth: false }` (public) or `config: { roles: [...] }`.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Principal, Role } from '../../../domain/actor.js'
import type { TokenService } from '../../../app/tokens.js'
import { problem, sendProblem } from '../../problem.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: no token needed. */
    auth?: boolean
    /** Roles that may call the route (default: every authenticated role). */
    roles?: readonly Role[]
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (typeof header !== 'string') return null
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return m ? m[1] : null
}

async function auth(app: FastifyInstance, options: { tokens: TokenService }): Promise<void> {
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config
    // The /docs page's own assets (registered by @fastify/swagger-ui) are public too.
    if (config.auth === false || request.is404 || request.routeOptions.url?.startsWith('/docs')) return
    const token = bearerToken(request)
    const principal = token ? await options.tokens.authenticate(token) : null
    if (!principal) {
      reply.header('WWW-Authenticate', 'Bearer realm="gridledger"')
      return sendProblem(reply, problem(401, token ? 'The bearer token is unknown or revoked' : 'An Authorization: Bearer token is required'))
    }
    request.principal = principal
    if (config.roles && !config.roles.includes(principal.role)) {
      return sendProblem(reply, problem(403, `The ${principal.role} role may not ${request.method} ${request.routeOptions.url}`))
    }
  })
}

export default fp(auth, { name: 'auth', dependencies: ['errors'] })
