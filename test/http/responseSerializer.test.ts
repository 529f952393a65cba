// Answers are written by serialisers compiled from the routes' response schemas (fast-json-stringify
// from the zod schema's JSON Schema), no longer by a zod check and JSON.stringify. Held here: the
// compiled text is what zod's parse and JSON.stringify wrote, property for property; what the
// schema does not name is left out, as zod's parse left it out; a missing required property fails
// rather than sending a wrong answer; the prepared reads pass through; and a schema JSON Schema
// cannot say keeps zod's serialiser. Every answer the API tests receive is also checked against
// the OpenAPI document (test/support/openApiCheck.ts).
import t from 'tap'
import { z } from 'zod'
import * as responseSchemas from '../../src/http/responseSchemas.js'
import { compilableJsonSchema, compileResponseSerializer } from '../../src/http/responseSerializer.js'

const route = (schema: unknown) => ({ schema, method: 'POST', url: '/test' }) as Parameters<typeof compileResponseSerializer>[0]
const viaZod = (schema: z.ZodType, value: unknown) => JSON.stringify(schema.parse(value))

const Nested = z.object({
  id: z.string(),
  count: z.number().int(),
  share: z.number(),
  done: z.boolean(),
  note: z.string().nullable(),
  owner: z.string().optional(),
  rag: z.enum(['red', 'amber', 'green']).nullable(),
  money: responseSchemas.Money,
  due: responseSchemas.Due.nullable(),
  items: z.array(z.object({ eventId: z.string(), recordedAt: z.string() })),
  byQuarter: z.record(z.string(), z.number()),
  either: z.union([z.object({ kind: z.literal('a'), a: z.string() }), z.object({ kind: z.literal('b'), b: z.number() })]),
})

const samples: Array<[string, z.ZodType, unknown]> = [
  ['ProgressRecorded', responseSchemas.ProgressRecorded, { eventId: 'e1', recordedAt: '2026-12-02T15:16:25.773Z', version: 8 }],
  ['BulkProgressRecorded', responseSchemas.BulkProgressRecorded, { items: [{ eventId: 'e1', recordedAt: '2026-12-02T15:16:25.773Z' }, { eventId: 'e2', recordedAt: '2026-12-02T15:16:25.774Z' }], version: 10 }],
  ['RagAnswer', responseSchemas.RagAnswer, { actionId: 'a1', rag: 'amber', effectiveDate: '2008-09-30', reason: null, eventId: 'e1', recordedAt: '2026-12-02T15:16:25.773Z', version: 3 }],
  [
    'nested, with nulls, optionals, records and a union',
    Nested,
    { id: 'x "quoted" \\ ñ 😀\u2028', count: 3, share: 0.25, done: false, note: null, rag: null, money: { text: '£4,400', pence: 440000 }, due: { text: 'Qtr 2', from: '2008-07-01', to: null }, items: [], byQuarter: { q1: 1, q4: 2.5 }, either: { kind: 'b', b: -1 } },
  ],
  [
    'the same with every optional and nullable filled',
    Nested,
    { id: '', count: -7, share: 1e-7, done: true, note: 'n', owner: 'CNWL', rag: 'green', money: { text: '', pence: null }, due: null, items: [{ eventId: 'e', recordedAt: 'r' }], byQuarter: {}, either: { kind: 'a', a: 'y' } },
  ],
]

t.test('a compiled serialiser writes what zod parse and JSON.stringify wrote', async t => {
  for (const [name, schema, value] of samples) {
    const serialise = compileResponseSerializer(route(schema))
    t.ok(compilableJsonSchema(schema), `${name}: compiled, not zod's fallback`)
    t.same(JSON.parse(serialise(value)), JSON.parse(viaZod(schema, value)), name)
  }
})

t.test('what the schema does not name is left out, as zod left it out', async t => {
  const serialise = compileResponseSerializer(route(responseSchemas.ProgressRecorded))
  const answer = JSON.parse(serialise({ eventId: 'e1', recordedAt: '2026-12-02T15:16:25.773Z', version: 8, internal: 'secret', metadata: { actor: 'x' } }))
  t.same(answer, { eventId: 'e1', recordedAt: '2026-12-02T15:16:25.773Z', version: 8 })
})

t.test('a missing required property fails the answer instead of sending it short', async t => {
  const serialise = compileResponseSerializer(route(responseSchemas.ProgressRecorded))
  t.throws(() => serialise({ eventId: 'e1', version: 8 }), /recordedAt/)
})

t.test('the prepared reads are sent as they are; a schema JSON Schema cannot say keeps zod', async t => {
  const prepared = compileResponseSerializer(route(responseSchemas.PlanState))
  t.equal(prepared({ anything: [1, 2] }), '{"anything":[1,2]}', 'unchecked: JSON.stringify as given')
  const WithDate = z.object({ at: z.date() })
  t.equal(compilableJsonSchema(WithDate), null, 'z.date() has no JSON Schema')
  const serialise = compileResponseSerializer(route(WithDate))
  t.equal(serialise({ at: new Date('2026-12-02T00:00:00Z') }), '{"at":"2026-12-02T00:00:00.000Z"}', "zod's serialiser")
  t.throws(() => serialise({ at: 'not a date' }), 'and zod still refuses a wrong answer')
})

t.test('every response schema the module exports compiles', async t => {
  const schemas = Object.entries(responseSchemas).filter((entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType)
  t.ok(schemas.length >= 10, `${schemas.length} schemas`)
  for (const [name, schema] of schemas) t.ok(compilableJsonSchema(schema), name)
})
