// One error handler and one not-found handler for the whole app: every failure becomes
// problem+json with the right status. Client input never produces a 5xx.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { DomainError, ValidationError, type FieldError } from '../../../domain/errors.js'
import { AppendQuotaExceededError, AppendTooLargeError, ContentionError, DuplicateEventError, PreconditionFailedError, StoreUnavailableError, UnconfirmedError, VersionConflictError } from '../../../app/errors.js'
import { problem, sendProblem } from '../../problem.js'

const DOMAIN_STATUS = { validation: 400, not_found: 404, conflict: 409, forbidden: 403 } as const

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A bulk route: the body field holding its items, named in the problem when one is refused. */
    batchItems?: string
  }
}

/** One item of fastify-type-provider-zod's `error.validation`: a zod issue in Ajv's clothes. */
interface ValidationItem {
  keyword?: string
  instancePath?: string
  message?: string
  params?: { keys?: string[] }
}

function validationErrors(error: FastifyError): FieldError[] {
  const out: FieldError[] = []
  for (const item of (error.validation ?? []) as ValidationItem[]) {
    const base = (item.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    if (item.keyword === 'unrecognized_keys' && item.params?.keys) {
      for (const key of item.params.keys) out.push({ path: base ? `${base}.${key}` : key, message: 'is not a known field' })
    } else {
      out.push({ path: base || error.validationContext || 'body', message: item.message ?? 'is invalid' })
    }
  }
  return out
}

async function errors(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const list = validationErrors(error)
      const where = error.validationContext === 'body' ? 'body' : error.validationContext === 'querystring' ? 'query' : 'path'
      return sendProblem(reply, problem(400, `The request ${where} is invalid: ${list.map(e => `${e.path} ${e.message}`).join('; ')}`, list, 'validation'))
    }
    if (error instanceof DomainError) {
      const status = DOMAIN_STATUS[error.kind]
      const list = error instanceof ValidationError ? error.errors : undefined
      // A bulk route (config.batchItems names its body's array) says which item was refused.
      const items = request.routeOptions.config?.batchItems
      if (items && error.commandIndex !== undefined) {
        const at = `${items}.${error.commandIndex}`
        const itemErrors = list ? list.map(e => ({ path: `${at}.${e.path}`, message: e.message })) : [{ path: at, message: error.message }]
        return sendProblem(reply, problem(status, `${at}: ${error.message}; nothing was recorded`, itemErrors))
      }
      return sendProblem(reply, problem(status, error.message, list))
    }
    if (error instanceof PreconditionFailedError) return sendProblem(reply, problem(412, error.message))
    if (error instanceof VersionConflictError || error instanceof ContentionError) return sendProblem(reply, problem(409, error.message))
    if (error instanceof UnconfirmedError) {
      request.log.warn({ err: error }, 'could not confirm')
      reply.header('Retry-After', '1')
      return sendProblem(reply, problem(503, error.message))
    }
    if (error instanceof AppendQuotaExceededError) {
      reply.header('Retry-After', String(error.retryAfterSeconds))
      return sendProblem(reply, problem(429, error.message, undefined, 'append-quota'))
    }
    if (error instanceof AppendTooLargeError) {
      // Refused whole before anything was written; a retry cannot help, a smaller request can.
      return sendProblem(reply, problem(413, `This request would record about ${error.size} bytes of events at once; the event store takes at most ${error.limit} bytes in one atomic write. Nothing was recorded: split the document, or raise the store's limit (EVENTSTORE_MAX_APPEND_SIZE).`))
    }
    if (error instanceof DuplicateEventError) {
      request.log.warn({ err: error }, 'duplicate event id')
      return sendProblem(reply, problem(409, 'These events are already recorded elsewhere; nothing was recorded.'))
    }
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'store unavailable')
      reply.header('Retry-After', '5')
      return sendProblem(reply, problem(503, 'The event store is unavailable; nothing was recorded. Retry later.'))
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const detail =
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
          ? `The body is not valid JSON: ${error.message}`
          : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'The body is empty but the content type says JSON'
            : error.message
      return sendProblem(reply, problem(status, detail))
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(reply, problem(500, 'Something went wrong on our side; it has been logged.'))
  })

  // Probing for routes is rate-limited like any request, per address (the global limiter skips
  // the not-found handler; keyed on a token, a prober would spray tokens for fresh budgets).
  const limited = app.hasDecorator('rateLimit') ? { preValidation: app.rateLimit({ keyGenerator: request => `nf:${request.ip}` }) } : {}
  app.setNotFoundHandler(limited, (request, reply) =>
    sendProblem(reply, problem(404, `No route ${request.method} ${request.url.split('?')[0]}`)),
  )
}

/**
 * Fastify's `frameworkErrors` option: what its router refuses before any route or hook runs (a
 * path that is not valid percent-encoded UTF-8, an over-long path parameter) is answered as
 * problem+json like every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const detail =
    error.code === 'FST_ERR_BAD_URL'
      ? 'The request path is not valid percent-encoded UTF-8'
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'A path parameter is too long'
        : error.message
  request.log.info({ code: error.code }, 'request refused by the router')
  // No hook runs for these: set what the hooks would have.
  reply.headers(request.server.securityHeaders ?? {})
  reply.header('X-Request-Id', request.id)
  void sendProblem(reply, problem(error.statusCode && error.statusCode < 500 ? error.statusCode : 400, detail))
}

export default fp(errors, { name: 'errors' })
