// fast-check arbitraries from the JSON Schemas of the app's OpenAPI document, for the hostile
// input test: values that mostly satisfy a schema, with a share of hostile ones at every leaf.
import fc from 'fast-check'

export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  nullable?: boolean
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  additionalProperties?: boolean | JsonSchema
}

/** A small plan document the importer accepts. */
export const IMPORT_SAMPLE = [
  'Fuzz DAAT',
  'Adult drug treatment plan 2008/09',
  '',
  'Planning grid 1: Harm reduction',
  '',
  'Objective 1',
  'Reduce deaths',
  '',
  'Action\tBy when\tBy whom\tCosts/budget',
  'Train staff\tQtr 1\tDM\t£1,000',
  '',
].join('\n')

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** Calendar dates around the test clock's 2008 (most in the past of it, some not). */
const dateArb = fc.integer({ min: Date.UTC(2007, 0, 1), max: Date.UTC(2009, 11, 31) }).map(ms => {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
})
const instantArb = fc.integer({ min: Date.UTC(2007, 0, 1), max: Date.UTC(2009, 11, 31) }).map(ms => new Date(ms).toISOString())

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'date') return dateArb
  if (schema.format === 'date-time') return instantArb
  if (schema.pattern === '^\\d{4}\\/\\d{2}$' || schema.pattern === '^\\d{4}/\\d{2}$') return fc.constantFrom('2008/09', '2009/10', '2017/18', '1999/00')
  if (schema.pattern?.startsWith('^[A-Za-z0-9._~-]')) {
    return fc.string({ unit: fc.constantFrom(...'abcdef0123456789-._~'.split('')), minLength: Math.max(1, schema.minLength ?? 1), maxLength: Math.min(schema.maxLength ?? 40, 40) })
  }
  const min = schema.minLength ?? 0
  const max = Math.max(min, Math.min(schema.maxLength ?? 60, 60))
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: max }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max }) },
  )
}

/** A value for `schema`: valid most of the time, `hostile` at about one leaf in twenty. */
export function jsonSchemaValue(schema: JsonSchema, hostile: fc.Arbitrary<unknown>, depth = 0): fc.Arbitrary<unknown> {
  const valid = validFor(schema, hostile, depth)
  return fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: hostile })
}

function validFor(schema: JsonSchema, hostile: fc.Arbitrary<unknown>, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return hostile
  const options = schema.anyOf ?? schema.oneOf
  if (options?.length) return fc.oneof(...options.map(o => validFor(o, hostile, depth + 1)))
  if (schema.enum?.length) return fc.constantFrom(...schema.enum)
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
  const nullable = schema.nullable || types.includes('null')
  const type = types.find(x => x !== 'null')
  let arb: fc.Arbitrary<unknown>
  switch (type) {
    case 'string':
      arb = stringFor(schema)
      break
    case 'integer':
      arb = fc.integer({ min: Math.max(schema.minimum ?? -5, -1e6), max: Math.min(schema.maximum ?? 200, 1e6) })
      break
    case 'number':
      arb = fc.double({ min: Math.max(schema.minimum ?? -5, -1e6), max: Math.min(schema.maximum ?? 200, 1e6), noNaN: true })
      break
    case 'boolean':
      arb = fc.boolean()
      break
    case 'array':
      arb = fc.array(jsonSchemaValue(schema.items ?? {}, hostile, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) })
      break
    case 'object': {
      const props = schema.properties ?? {}
      const shape = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, jsonSchemaValue(s, hostile, depth + 1)]))
      arb = fc.record(shape, { requiredKeys: (schema.required ?? []).filter(k => k in props) })
      break
    }
    default:
      arb = hostile
  }
  return nullable ? fc.option(arb, { freq: 4 }) : arb
}
