// Answers are written by serialisers compiled once per route from the route's own response
// schema: the zod schema's JSON Schema (the one the OpenAPI document shows) compiled by
// fast-json-stringify, fastify's own serialiser. A zod check of every answer before
// JSON.stringify cost more than writing it; what an answer holds is checked instead by the API
// tests, which validate every answer they receive against the OpenAPI document.
// Like zod's parse, the compiled serialiser writes only the properties the schema names, and a
// required property that is missing fails the request (500) rather than sending a wrong answer.
// The large reads whose answers are prepared as JSON text (isUnchecked) are sent as they are.
import fastJsonStringify from 'fast-json-stringify'
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { isUnchecked } from './responseSchemas.js'

type RouteSchema = Parameters<typeof zodSerializerCompiler>[0]
type Serialise = (data: unknown) => string

/**
 * Compiled serialisers by schema: one schema serves many routes and statuses (the problem
 * answers on every route), and every app built in a process (each test's) reuses them.
 */
const compiled = new WeakMap<object, Serialise>()

/** The serialiser for one response schema: compiled where its JSON Schema says everything, else zod's. */
export function compileResponseSerializer(route: RouteSchema): Serialise {
  if (isUnchecked(route.schema)) return data => JSON.stringify(data)
  const schema = route.schema as object
  const kept = compiled.get(schema)
  if (kept) return kept
  const jsonSchema = compilableJsonSchema(schema)
  if (!jsonSchema) return zodSerializerCompiler(route)
  const serialise = fastJsonStringify(jsonSchema)
  compiled.set(schema, serialise)
  return serialise
}

/**
 * The schema as JSON Schema (draft 7, fast-json-stringify's dialect), or null when it holds
 * something JSON Schema cannot say (then zod's own serialiser is used for it).
 */
export function compilableJsonSchema(schema: unknown): Record<string, unknown> | null {
  if (!(schema instanceof z.ZodType)) return null
  try {
    return z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' }) as Record<string, unknown>
  } catch {
    return null
  }
}
