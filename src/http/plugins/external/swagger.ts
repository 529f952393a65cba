import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { createJsonSchemaTransformObject, jsonSchemaTransform } from 'fastify-type-provider-zod'
import { commonStatuses, type RouteFacts } from '../../openapi/commonResponses.js'
import { finishDocument } from '../../openapi/document.js'
import { Problem } from '../../schemas.js'

const TAGS = [
  { name: 'plans', description: 'Create, list and read plans (as recorded at an instant, effective on a date)' },
  { name: 'structure', description: "The plan's grids, objectives, actions and owners (commissioners)" },
  { name: 'progress', description: 'What providers and monitoring meetings record against actions: progress and RAG ratings' },
  { name: 'reports', description: 'Quarterly progress reports (JSON, CSV, XLSX)' },
  { name: 'meetings', description: 'Contract monitoring meetings: agenda, decisions, minutes' },
  { name: 'audit', description: 'History, integrity and what changed' },
  { name: 'feed', description: 'Live: every history entry you may see, as Server-Sent Events' },
  { name: 'webhooks', description: 'Signed deliveries of the history entries you may see to your own URL (Standard Webhooks)' },
  { name: 'imports', description: 'Plan documents (text or Word) into plans' },
  { name: 'tokens', description: 'Bearer tokens (admins)' },
  { name: 'ops', description: 'Liveness, readiness and metrics' },
]

type TransformInput = Parameters<typeof jsonSchemaTransform>[0]

/**
 * Per route: the problems every route of its kind can answer are added (commonResponses.ts), and
 * a route that needs no token says so (`security: []`).
 */
function transform(input: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const { schema, route } = input
  if (!schema || !route || (schema as { hide?: boolean }).hide) return jsonSchemaTransform(input)
  const response: Record<string, unknown> = { ...((schema as { response?: Record<string, unknown> }).response ?? {}) }
  const facts: RouteFacts = { method: [route.method].flat()[0], url: route.url, config: route.config as RouteFacts['config'], schema: schema as RouteFacts['schema'] }
  for (const status of commonStatuses(facts)) {
    if (!(status in response)) response[status] = Problem
  }
  const publicRoute = route.config?.auth === false && !(schema as { security?: unknown }).security
  const result = jsonSchemaTransform({ ...input, schema: { ...schema, response, ...(publicRoute ? { security: [] } : {}) } })
  return result
}

const zodComponents = createJsonSchemaTransformObject({})

// The OpenAPI 3.1 document is generated from the routes' zod schemas; /docs renders it.
export async function registerSwagger(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gridledger',
        description:
          'Event-sourced tracking of local drug treatment plans: planning grids, objectives, actions, RAG ratings, quarterly reports and audit history. ' +
          'Errors are application/problem+json (RFC 9457). Plan commands answer the new plan version as ETag, honour If-Match and Idempotency-Key.',
        version,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/', description: 'The server that serves this document (`npm start` listens on http://127.0.0.1:3000 by default)' }],
      tags: TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token minted by an admin (POST /v1/tokens or `gridledger token create`)' } } },
      security: [{ bearer: [] }],
    },
    transform,
    transformObject: input => finishDocument(zodComponents(input) as Record<string, unknown>) as ReturnType<typeof zodComponents>,
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' }, staticCSP: true })
}
