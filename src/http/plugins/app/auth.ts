// Bearer-token authentication, plan visibility and per-route role checks, as one onRequest hook. Routes
// declare `config: { auth: false }` (public) or `config: { roles: [...] }`.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Principal, Role } from '../../../domain/actor.js'
import type { PlanAccess } from '../../../app/planAccess.js'
import type { TokenLookup, TokenService } from '../../../app/tokens.js'
import { problem, sendProblem } from '../../problem.js'
import { AuthFailureThrottle } from './authThrottle.js'

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

export interface AuthOptions {
  tokens: TokenService
  /** Plan visibility, checked for every route with a :planId before its role check and anything else. */
  planAccess?: PlanAccess
  /** Failed or missing authentications allowed per client address per minute; 0: unlimited. */
  failuresPerMinute?: number
}

async function auth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const throttle = options.failuresPerMinute ? new AuthFailureThrottle(options.failuresPerMinute) : null
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config
    // The /docs page's own assets (registered by @fastify/swagger-ui) are public too.
    if (config.auth === false || request.is404 || request.routeOptions.url?.startsWith('/docs')) return
    const token = bearerToken(request)
    let found: TokenLookup = token ? await options.tokens.resolve(token) : 'unknown'
    if (typeof found === 'string' && throttle) {
      // A failure so far. Counted per address before anything reads the store: a flood of bad
      // or absent tokens is refused here, whatever tokens it sprays.
      const wait = throttle.retryAfter(request.ip)
      if (wait > 0) {
        reply.header('Retry-After', String(wait))
        return sendProblem(reply, problem(429, `Too many failed authentications from this address; retry in ${wait} s`))
      }
      throttle.fail(request.ip)
    }
    if (token && found === 'unknown') {
      // Another instance (or the CLI) may have minted it a moment ago.
      found = await options.tokens.resolveAfterCatchUp(token)
      if (typeof found !== 'string') throttle?.forgive(request.ip)
    }
    if (typeof found === 'string') {
      reply.header('WWW-Authenticate', 'Bearer realm="gridledger"')
      return sendProblem(reply, problem(401, token ? 'The bearer token is unknown or revoked' : 'An Authorization: Bearer token is required'))
    }
    request.principal = found
    // Visibility first: a plan the caller may not see is the same 404 as one that does not
    // exist, whatever else the request says (role, If-Match, Idempotency-Key, body).
    const planId = (request.params as { planId?: unknown } | undefined)?.planId
    if (typeof planId === 'string' && options.planAccess) await options.planAccess.requireVisible(planId, found)
    if (config.roles && !config.roles.includes(found.role)) {
      return sendProblem(reply, problem(403, `The ${found.role} role may not ${request.method} ${request.routeOptions.url}`))
    }
  })
}

export default fp(auth, { name: 'auth', dependencies: ['errors'] })
