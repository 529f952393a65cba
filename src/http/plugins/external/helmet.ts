import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'

// Security headers. The /docs page loads its own scripts and styles, so the CSP allows self.
export async function registerHelmet(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] },
    },
  })
}
