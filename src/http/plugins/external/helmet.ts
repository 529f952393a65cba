import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import helmet from 'helmet'

declare module 'fastify' {
  interface FastifyInstance {
    /** The headers every response carries (also set where no hook runs: the router's own refusals). */
    securityHeaders: Record<string, string>
  }
}

// Security headers from helmet. Our policy has no per-request parts (no nonces), so helmet
// runs once, at start, against a recorder, and every response gets the recorded headers in
// one reply.headers() call, rather than running helmet's middleware per request (as
// @fastify/helmet does, rebuilding it and re-parsing the CSP each time) and paying a
// res.setHeader per header on every response. The /docs page loads its own scripts and
// styles, so the CSP allows self.
export async function registerHelmet(app: FastifyInstance): Promise<void> {
  const middleware = helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] },
    },
  })
  const headers = recordHeaders(middleware)
  app.decorate('securityHeaders', headers)
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}

/** The headers a middleware sets on a response, recorded once. */
function recordHeaders(middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void): Record<string, string> {
  const recorded: Record<string, string> = {}
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      recorded[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
    },
    removeHeader(name: string) {
      delete recorded[name.toLowerCase()]
    },
  }
  let failed: unknown
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, err => (failed = err))
  if (failed) throw failed
  if (Object.keys(recorded).length === 0) throw new Error('helmet set no headers')
  return recorded
}
