// The statuses a route can answer because of what it shares with others (authentication, rate
// limits, load shedding, path ids, a body, being a plan command), derived once from its options
// instead of listed by hand on every route. The document refers to one shared response per status.
import { ROLES } from '../../domain/roles.js'

export interface RouteFacts {
  method: string
  /** fastify's form, e.g. /v1/plans/:planId */
  url: string
  config?: { auth?: boolean; roles?: readonly string[]; shedding?: boolean }
  schema?: { body?: unknown; querystring?: unknown; params?: unknown; headers?: unknown }
}

/** The shared problem answers: component name, description, and headers sent with them. */
export const PROBLEM_RESPONSES: Record<number, { name: string; description: string; headers?: string[] }> = {
  400: { name: 'BadRequest', description: 'Invalid input: each bad field is named in `errors`' },
  401: { name: 'Unauthorized', description: 'No bearer token, or an unknown or revoked one', headers: ['WWW-Authenticate'] },
  403: { name: 'Forbidden', description: "The caller's role or owner labels do not allow this" },
  404: { name: 'NotFound', description: 'Unknown id, or a plan the caller may not see' },
  409: { name: 'Conflict', description: 'The domain refuses the change (e.g. a number already taken, a withdrawn action); nothing was recorded' },
  412: { name: 'PreconditionFailed', description: 'If-Match names a version that is no longer the plan\'s' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than this route takes' },
  415: { name: 'UnsupportedMediaType', description: 'The body is in a media type this route does not take' },
  422: { name: 'IdempotencyKeyReused', description: 'This Idempotency-Key was already used with another request' },
  429: { name: 'TooManyRequests', description: 'Rate limited (per token, or per address without one); retry after Retry-After seconds', headers: ['Retry-After'] },
  503: { name: 'ServiceUnavailable', description: 'The event store is unavailable or the server is shedding load; nothing was recorded. Retry after Retry-After seconds', headers: ['Retry-After'] },
}

/** A command on a plan: If-Match, Idempotency-Key, ETag, and the domain's refusals. */
export function isPlanCommand(method: string, url: string): boolean {
  return /^\/v1\/plans(\/|$)/.test(url) && !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase())
}

/** Routes the rate limiter lets through (see plugins/external/rateLimit.ts). */
const NOT_RATE_LIMITED = new Set(['/health', '/ready'])

export function commonStatuses(route: RouteFacts): number[] {
  const config = route.config ?? {}
  const schema = route.schema ?? {}
  const command = isPlanCommand(route.method, route.url)
  // fastify reads a body on any of these, whether the route wants one or not (bad JSON 400, too large 413, unknown media type 415).
  const takesBody = !['GET', 'HEAD', 'OPTIONS'].includes(route.method.toUpperCase())
  const statuses = new Set<number>()
  if (schema.body || schema.querystring || schema.params || schema.headers || takesBody) statuses.add(400)
  if (config.auth !== false) statuses.add(401)
  if (command || (config.auth !== false && config.roles && config.roles.length < ROLES.length)) statuses.add(403)
  if (route.url.includes(':')) statuses.add(404)
  if (command) for (const s of [409, 412, 422]) statuses.add(s)
  if (takesBody) {
    statuses.add(413)
    statuses.add(415)
  }
  if (!NOT_RATE_LIMITED.has(route.url) || config.auth !== false) statuses.add(429)
  if (config.shedding !== false) statuses.add(503)
  return [...statuses].sort((a, b) => a - b)
}
