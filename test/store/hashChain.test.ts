// The hash chain's bytes must never change: stored hashes depend on them. These tests hold the
// loop-written canonicalJson and eventHash to the first, plainly written implementation.
import t from 'tap'
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { canonicalJson, eventHash, eventHashOfCanonical, GENESIS_HASH } from '../../src/store/hashChain.js'
import { prepareAppend } from '../../src/store/prepareAppend.js'
import type { NewEvent } from '../../src/store/eventStore.js'

function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null'
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`
  const entries = Object.keys(value as Record<string, unknown>)
    .filter(k => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map(k => `${JSON.stringify(k)}:${referenceCanonicalJson((value as Record<string, unknown>)[k])}`)
  return `{${entries.join(',')}}`
}

function referenceEventHash(prevHash: string, streamId: string, version: number, event: NewEvent): string {
  const content = referenceCanonicalJson({
    streamId,
    version,
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  })
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex')
}

// Values as payloads hold them, with undefined fields and array holes among them.
const payload = fc.letrec(tie => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, 0, -1.5, 1e21, Number.NaN),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__x', 'a', 'b', 'B', 'é', '10', '9')), tie('value'), { maxKeys: 6 }),
  ),
})).value

t.test('canonicalJson writes the same bytes as the reference for any value', async t => {
  fc.assert(
    fc.property(payload, value => {
      t.equal(canonicalJson(value), referenceCanonicalJson(value))
    }),
    { numRuns: 500 },
  )
  t.equal(canonicalJson({ b: 1, a: [undefined, { d: undefined, c: 'x' }] }), '{"a":[null,{"c":"x"}],"b":1}')
})

t.test('eventHash equals the reference for any event, including ones missing fields', async t => {
  const event = fc.record(
    {
      id: fc.string(),
      type: fc.string(),
      schemaVersion: fc.integer(),
      data: fc.dictionary(fc.string(), payload, { maxKeys: 5 }),
      metadata: fc.dictionary(fc.string(), payload, { maxKeys: 3 }),
      recordedAt: fc.string(),
    },
    { requiredKeys: ['id'] },
  )
  fc.assert(
    fc.property(fc.string(), fc.nat(), event, fc.constantFrom(GENESIS_HASH, 'f'.repeat(64)), (streamId, version, e, prev) => {
      t.equal(eventHash(prev, streamId, version, e as NewEvent), referenceEventHash(prev, streamId, version, e as NewEvent))
    }),
    { numRuns: 500 },
  )
})

t.test('prepareAppend writes canonical JSON whose hash equals the hash of the event a reader gets back', async t => {
  // Payloads with the values JSON treats specially: Dates and toJSON, functions, -0, NaN, holes.
  const special = fc.constantFrom<unknown>(new Date(0), { toJSON: () => 'custom' }, () => 1, -0, Number.NaN, Number.POSITIVE_INFINITY, [undefined, 1], Object.create(null))
  const value = fc.oneof({ weight: 4, arbitrary: payload }, { weight: 1, arbitrary: special })
  const data = fc.dictionary(fc.string(), fc.oneof(value, fc.dictionary(fc.string(), value, { maxKeys: 3 }), fc.array(value, { maxLength: 3 })), { maxKeys: 5 })
  fc.assert(
    fc.property(data, fc.string({ minLength: 1 }), fc.nat(), (d, streamId, version) => {
      const input: NewEvent = { id: 'e-1', type: 'T', schemaVersion: 1, data: d, metadata: { actor: { role: 'admin' }, at: new Date(5) }, recordedAt: '2026-11-23T12:00:00.000Z' }
      const [p] = prepareAppend(streamId, [input], { expectedVersion: 'any' }).events
      t.equal(p.dataJson, referenceCanonicalJson(JSON.parse(JSON.stringify(d))), 'the canonical form of the JSON round trip')
      t.same(JSON.parse(p.dataJson), p.event.data, 'the event carries what the text says')
      t.equal(eventHashOfCanonical(GENESIS_HASH, streamId, version + 1, p.event, p.dataJson, p.metadataJson), referenceEventHash(GENESIS_HASH, streamId, version + 1, p.event))
    }),
    { numRuns: 300 },
  )
})
