// Cache-Control on every answer to an authenticated request (API.md, "Reads"): a shared cache
// must never keep one caller's answer for another, and a private one must revalidate. Routes
// whose answers must never be stored at all (a token shown once) say `config: { cache: 'no-store' }`.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache-Control for this route's answers instead of the authenticated default. */
    cache?: string
  }
}

export const AUTHENTICATED_CACHE_CONTROL = 'private, no-cache'

async function cacheControl(app: FastifyInstance): Promise<void> {
  // A callback hook: nothing here awaits, and an async hook costs a promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    const declared = request.routeOptions.config?.cache
    if (declared) reply.header('Cache-Control', declared)
    else if (request.principal && !reply.hasHeader('cache-control')) reply.header('Cache-Control', AUTHENTICATED_CACHE_CONTROL)
    done(null, payload)
  })
}

export default fp(cacheControl, { name: 'cacheControl', dependencies: ['auth'] })
