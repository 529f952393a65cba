// The last touch on the generated OpenAPI document: problem answers refer to one shared response
// per status (application/problem+json, with Retry-After or WWW-Authenticate where sent), plan
// commands take If-Match and Idempotency-Key and answer an ETag, and component schemas no
// operation uses are left out.
import { isPlanCommand, PROBLEM_RESPONSES } from './commonResponses.js'

type Json = Record<string, unknown>
interface Operation extends Json {
  parameters?: Json[]
  responses: Record<string, Json>
}

const SUCCESS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content', 304: 'Not modified: the If-None-Match tag is current' }
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

const HEADERS: Record<string, Json> = {
  ETag: { description: 'The plan version after the command (strong), or of the state read', schema: { type: 'string', example: '"6"' } },
  'Idempotent-Replayed': { description: 'Present (true) when this is the stored answer to an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'The authentication scheme', schema: { type: 'string', example: 'Bearer realm="gridledger"' } },
}
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name.replace(/-/g, '')}` })

const PARAMETERS: Record<string, Json> = {
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'Only if the plan is still at this version (as sent in ETag); else 412',
    schema: { type: 'string', example: '"6"' },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'Repeating a request with the same key and body answers the first answer again and records nothing (keys live at least 24 h); another body is 422',
    schema: { type: 'string', minLength: 1, maxLength: 255, example: 'sync-2008-07-cnwl-1' },
  },
}

/** fastify's /v1/plans/:planId as the document writes it, /v1/plans/{planId}. */
export const toOpenApiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}')

function problemResponse(status: number): Json {
  const { description, headers } = PROBLEM_RESPONSES[status]
  return {
    description,
    ...(headers ? { headers: Object.fromEntries(headers.map(h => [h, headerRef(h)])) } : {}),
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  }
}

function finishOperation(path: string, method: string, op: Operation): void {
  const command = isPlanCommand(method, path)
  for (const [status, response] of Object.entries(op.responses)) {
    const code = Number(status)
    if (PROBLEM_RESPONSES[code]) {
      op.responses[status] = { $ref: `#/components/responses/${PROBLEM_RESPONSES[code].name}` }
      continue
    }
    const answer: Json = { ...response }
    if (answer.description === 'Default Response') answer.description = SUCCESS[status] ?? 'Answer'
    if (code >= 200 && code < 300 && (command || (method === 'get' && path === '/v1/plans/{planId}'))) {
      answer.headers = { ...(answer.headers as Json | undefined), ETag: headerRef('ETag'), ...(command ? { 'Idempotent-Replayed': headerRef('Idempotent-Replayed') } : {}) }
    }
    op.responses[status] = answer
  }
  if (command) op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IfMatch' }, { $ref: '#/components/parameters/IdempotencyKey' }]
}

/** Names of component schemas reachable from everything but the schemas themselves. */
function usedSchemas(document: Json): Set<string> {
  const schemas = ((document.components as Json).schemas ?? {}) as Record<string, unknown>
  const used = new Set<string>()
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit)
    if (value === null || typeof value !== 'object') return
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')) {
        const name = child.slice('#/components/schemas/'.length)
        if (!used.has(name)) {
          used.add(name)
          visit(schemas[name])
        }
      } else visit(child)
    }
  }
  visit({ ...document, components: { ...(document.components as Json), schemas: {} } })
  return used
}

export function finishDocument(document: Json): Json {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) if (item[method]) finishOperation(path, method, item[method])
  }
  const components = (document.components ?? {}) as Json
  components.responses = Object.fromEntries(Object.entries(PROBLEM_RESPONSES).map(([status, { name }]) => [name, problemResponse(Number(status))]))
  components.headers = Object.fromEntries(Object.entries(HEADERS).map(([name, header]) => [name.replace(/-/g, ''), header]))
  components.parameters = PARAMETERS
  document.components = components
  const used = usedSchemas(document)
  const schemas = (components.schemas ?? {}) as Record<string, unknown>
  components.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)).sort(([a], [b]) => a.localeCompare(b)))
  return document
}
