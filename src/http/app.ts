// The fastify app factory: third-party plugins first, then our shared plugins, then routes.
// Testable with inject(); the server entry point only adds listen() and shutdown.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import { randomUUID } from 'node:crypto'
import type { GridLedger } from '../app/gridledger.js'
import { compileResponseSerializer } from './responseSerializer.js'
import authPlugin from './plugins/app/auth.js'
import cacheControlPlugin from './plugins/app/cacheControl.js'
import commandsPlugin from './plugins/app/commands.js'
import contentTypePlugin from './plugins/app/contentType.js'
import errorsPlugin, { frameworkErrors } from './plugins/app/errors.js'
import { registerHelmet } from './plugins/external/helmet.js'
import { registerRateLimit } from './plugins/external/rateLimit.js'
import { registerSwagger } from './plugins/external/swagger.js'
import { registerUnderPressure, type LoadSheddingOptions } from './plugins/external/underPressure.js'
import healthRoutes from './routes/health.js'
import metricsRoutes from './routes/metrics.js'
import type { Metrics } from '../app/metrics.js'
import importRoutes from './routes/api/imports/index.js'
import meetingRoutes from './routes/api/plans/meetings.js'
import planRoutes from './routes/api/plans/index.js'
import readRoutes from './routes/api/plans/reads.js'
import reportingRoutes from './routes/api/plans/reporting.js'
import structureRoutes from './routes/api/plans/structure.js'
import tokenRoutes from './routes/api/tokens/index.js'
import feedRoutes, { DEFAULT_FEED_OPTIONS, type FeedOptions } from './routes/api/feed/index.js'
import auditRoutes from './routes/api/plans/audit.js'
import webhookRoutes from './routes/api/webhooks/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** "METHOD /url" of every route registered. */
    routeTable: string[]
  }
}

export interface AppOptions {
  /** pino options, a pino logger, or false. */
  logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance']
  /** Requests per minute per token (per address without one); 0 turns it off. */
  rateLimit?: number
  /** Largest JSON body in bytes (imports take 5 MiB). */
  bodyLimit?: number
  version?: string
  /** Load shedding (503 with Retry-After when the event loop lags or memory runs high); off when absent. */
  loadShedding?: LoadSheddingOptions
  /** Request metrics are recorded when given; GET /metrics is served here only with `token` (else on its own port, see server.ts). */
  metrics?: { metrics: Metrics; token?: string }
  /** GET /v1/feed: heartbeat interval and how much one slow client may hold (defaults in routes/api/feed). */
  feed?: Partial<FeedOptions>
}

export async function buildApp(ledger: GridLedger, options: AppOptions = {}): Promise<FastifyInstance> {
  const loggerOption = options.logger ?? false
  const isInstance = typeof loggerOption === 'object' && loggerOption !== null && 'child' in loggerOption
  const app = Fastify({
    ...(isInstance ? { loggerInstance: loggerOption as FastifyServerOptions['loggerInstance'] } : { logger: loggerOption as FastifyServerOptions['logger'] }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    return503OnClosing: true,
    // Our onResponse hook logs each request once, with its route, status and token id.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: req => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID()
    },
    ajv: undefined,
    routerOptions: { maxParamLength: 500 },
    frameworkErrors,
  })
  // The route table as served: the authorization matrix and the fuzz tests are generated from it.
  const routeTable: string[] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', route => {
    for (const method of [route.method].flat()) routeTable.push(`${method} ${route.url}`)
  })
  app.setValidatorCompiler(validatorCompiler)
  // Answers are written by serialisers compiled from the same schemas (responseSerializer.ts).
  app.setSerializerCompiler(route => compileResponseSerializer(route as Parameters<typeof compileResponseSerializer>[0]))

  // Third-party plugins.
  await registerHelmet(app)
  if (options.loadShedding) await registerUnderPressure(app, options.loadShedding)
  await registerRateLimit(app, options.rateLimit ?? 6000)
  await registerSwagger(app, options.version ?? '0.0.0')

  // Our shared plugins.
  await app.register(errorsPlugin)
  await app.register(authPlugin, { tokens: ledger.tokens, planAccess: ledger.planAccess, failuresPerMinute: options.rateLimit ?? 6000 })
  await app.register(cacheControlPlugin)
  await app.register(contentTypePlugin)
  await app.register(commandsPlugin, { handler: ledger.commands, idempotency: ledger.idempotency })

  // Log who did what: the token id (never the token), on every response. These hooks await
  // nothing, so they are callback hooks: an async hook costs a promise and a microtask per request.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { route: request.routeOptions.url, method: request.method, status: reply.statusCode, ms: Math.round(reply.elapsedTime), tokenId: request.principal?.tokenId ?? null },
      'request completed',
    )
    done()
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-Id', request.id)
    done(null, payload)
  })
  const metrics = options.metrics?.metrics
  if (metrics) {
    app.addHook('onResponse', (request, reply, done) => {
      metrics.requestCompleted(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
      done()
    })
  }

  // Routes.
  await app.register(healthRoutes, { ledger })
  if (options.metrics?.token) await app.register(metricsRoutes, { metrics: options.metrics.metrics, token: options.metrics.token })
  await app.register(tokenRoutes, { ledger })
  await app.register(planRoutes, { ledger })
  await app.register(structureRoutes)
  await app.register(reportingRoutes)
  await app.register(readRoutes, { ledger })
  await app.register(meetingRoutes, { ledger })
  await app.register(importRoutes, { ledger })
  await app.register(feedRoutes, { ledger, options: { ...DEFAULT_FEED_OPTIONS, ...options.feed } })
  await app.register(auditRoutes, { ledger })
  await app.register(webhookRoutes, { ledger })
  return app
}
