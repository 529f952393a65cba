// Every answer an API test receives is checked against the OpenAPI document the app serves: the
// route and method are documented, the status is one the operation lists, the media type is one
// that status lists, and a JSON body validates against its schema (ajv, JSON Schema 2020-12, as
// OpenAPI 3.1 uses). Hooked once into the harness, so every inject test checks its answers.
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import { toOpenApiPath } from '../../src/http/openapi/document.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void

type Json = Record<string, unknown>

export interface Answer {
  method: string
  /** fastify's route url (/v1/plans/:planId), or undefined when no route matched. */
  route: string | undefined
  status: number
  contentType: string | undefined
  /** The body as sent: a string or Buffer, or null for a stream. */
  body: string | Buffer | null
  /** The route is left out of the document on purpose (schema.hide: the docs page, /openapi.json, /metrics). */
  hidden?: boolean
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')

export class OpenApiCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })

  constructor(private readonly document: Json) {
    addFormats(this.ajv)
    this.ajv.addSchema(document, 'openapi.json')
  }

  static of(app: FastifyInstance): OpenApiCheck {
    return new OpenApiCheck(app.swagger() as unknown as Json)
  }

  /** Problems with one answer ([] when the document describes it). */
  problems(answer: Answer): string[] {
    const { method, route, status } = answer
    if (route === undefined || answer.hidden || method === 'HEAD' || route.startsWith('/docs')) return []
    const path = toOpenApiPath(route)
    const where = `${method} ${path} → ${status}`
    const operation = ((this.document.paths as Json)[path] as Json | undefined)?.[method.toLowerCase()] as Json | undefined
    if (!operation) return [`${method} ${path} is not in the OpenAPI document`]
    let response = (operation.responses as Json)[String(status)] as Json | undefined
    if (!response) return [`${where}: the document lists no ${status} for this operation`]
    let pointer = `#/paths/${escapePointer(path)}/${method.toLowerCase()}/responses/${status}`
    if (typeof response.$ref === 'string') {
      pointer = response.$ref
      response = (this.document.components as Json & { responses: Json }).responses[response.$ref.split('/').pop()!] as Json
    }
    const content = response.content as Record<string, Json> | undefined
    // fastify sends no body with these, whatever the serializer made of null.
    if (status === 204 || status === 304) return []
    const mediaType = (answer.contentType ?? '').split(';')[0].trim().toLowerCase()
    if (!content) return answer.body && answer.body.length ? [`${where}: a ${mediaType} body where the document says none`] : []
    if (!content[mediaType]) return [`${where}: media type ${mediaType || '(none)'} not documented (only ${Object.keys(content).join(', ')})`]
    if (!/json$/.test(mediaType) || answer.body === null) return []
    const validate = this.ajv.getSchema(`openapi.json${pointer}/content/${escapePointer(mediaType)}/schema`)
    if (!validate) return [`${where}: no schema for ${mediaType}`]
    let value: unknown
    try {
      value = JSON.parse(answer.body.toString())
    } catch {
      return [`${where}: the body is not JSON`]
    }
    if (validate(value)) return []
    return (validate.errors ?? []).map(e => `${where}: body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`)
  }

}

/** Checks every answer the app sends (call before the app is ready); the document is read at the first answer. */
export function checkAnswers(app: FastifyInstance): { violations(): string[]; assertClean(): void } {
  let check: OpenApiCheck | null = null
  const found: string[] = []
  app.addHook('onSend', async (request, reply, payload) => {
    check ??= OpenApiCheck.of(app)
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : payload === null || payload === undefined ? '' : null
    const contentType = reply.getHeader('content-type')
    found.push(...check.problems({
      method: request.method,
      route: request.is404 ? undefined : request.routeOptions.url,
      status: reply.statusCode,
      hidden: (request.routeOptions.schema as { hide?: boolean } | undefined)?.hide === true,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      body,
    }))
    return payload
  })
  return {
    violations: () => [...found],
    assertClean() {
      const list = found.splice(0)
      if (list.length) throw new Error(`answers the OpenAPI document does not describe:\n  ${list.join('\n  ')}`)
    },
  }
}
