import type { FastifyInstance } from 'fastify'
import helmet from 'helmet'

// Security headers from helmet. The middleware is built once: @fastify/helmet rebuilds it (and
// re-parses the CSP) on every request, which the HTTP benchmark's profile showed costing
// about 22 µs a request. The /docs page loads its own scripts and styles, so the CSP allows self.
export async function registerHelmet(app: FastifyInstance): Promise<void> {
  const headers = helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] },
    },
  })
  app.addHook('onRequest', (request, reply, done) => {
    headers(request.raw, reply.raw, err => done(err as Error | undefined))
  })
}
