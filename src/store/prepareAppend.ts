// The append rules every adapter applies before writing: validates the events, writes data and
// metadata as canonical JSON (sorted keys; what is stored and hashed is exactly what a reader
// gets back), and checks the idempotency record. Adapters then check versions and write.
import { DuplicateEventError, type AppendOptions, type NewEvent } from './eventStore.js'
import { canonicalJson, plainCanonicalJson } from './hashChain.js'
import { isPlainObject } from '../shared/isPlainObject.js'

/**
 * An event as it will be stored: its content as a reader will get it back, and the canonical
 * JSON text of its data and metadata (canonicalJson of that content, byte for byte).
 */
export interface PreparedEvent {
  event: NewEvent
  dataJson: string
  metadataJson: string
}

/** The canonical JSON text of a payload as JSON would carry it: plain values directly, others through a JSON round trip. */
function canonicalPayload(value: Record<string, unknown>): string {
  return plainCanonicalJson(value) ?? canonicalJson(JSON.parse(JSON.stringify(value)))
}

export interface PreparedAppend {
  streamId: string
  events: PreparedEvent[]
  expectedVersion: number | 'any'
  idempotency?: { key: string; fingerprint: string; response: unknown; responseJson: string }
}

/**
 * Validates an append's arguments and writes every payload as canonical JSON, parsed back for
 * the event, so the hash is computed over exactly what a reader will get back. Throws
 * TypeError on malformed input.
 */
export function prepareAppend(streamId: string, events: NewEvent[], options: AppendOptions): PreparedAppend {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string')
  if (!Array.isArray(events)) throw new TypeError('events must be an array')
  if (!options || typeof options !== 'object') throw new TypeError('append options are required')
  const { expectedVersion } = options
  if (expectedVersion !== 'any' && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)) {
    throw new TypeError(`expectedVersion must be a non-negative integer or 'any' (got ${String(expectedVersion)})`)
  }
  const seen = new Set<string>()
  const prepared = events.map((e, i): PreparedEvent => {
    if (!e || typeof e !== 'object') throw new TypeError(`event ${i} is not an object`)
    if (typeof e.id !== 'string' || e.id.length === 0) throw new TypeError(`event ${i}: id must be a non-empty string`)
    if (seen.has(e.id)) throw new DuplicateEventError(e.id)
    seen.add(e.id)
    if (typeof e.type !== 'string' || e.type.length === 0) throw new TypeError(`event ${i}: type must be a non-empty string`)
    if (!Number.isSafeInteger(e.schemaVersion)) throw new TypeError(`event ${i}: schemaVersion must be an integer`)
    if (!isPlainObject(e.data)) throw new TypeError(`event ${i}: data must be an object`)
    if (!isPlainObject(e.metadata)) throw new TypeError(`event ${i}: metadata must be an object`)
    if (typeof e.recordedAt !== 'string' || Number.isNaN(Date.parse(e.recordedAt))) throw new TypeError(`event ${i}: recordedAt must be an ISO 8601 instant`)
    const dataJson = canonicalPayload(e.data)
    const metadataJson = canonicalPayload(e.metadata)
    return {
      event: {
        id: e.id,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: JSON.parse(dataJson) as Record<string, unknown>,
        metadata: JSON.parse(metadataJson) as Record<string, unknown>,
        recordedAt: e.recordedAt,
      },
      dataJson,
      metadataJson,
    }
  })
  let idempotency: PreparedAppend['idempotency']
  if (options.idempotency !== undefined) {
    const { key, fingerprint, response } = options.idempotency
    if (typeof key !== 'string' || key.length === 0) throw new TypeError('idempotency.key must be a non-empty string')
    if (typeof fingerprint !== 'string') throw new TypeError('idempotency.fingerprint must be a string')
    const responseJson = JSON.stringify(response === undefined ? null : response)
    idempotency = { key, fingerprint, response: JSON.parse(responseJson), responseJson }
  }
  return { streamId, events: prepared, expectedVersion, idempotency }
}

/** Where a stored event is. */
export interface StoredAt {
  streamId: string
  version: number
}

/**
 * The idempotent-retry rule every adapter applies, given where each of the append's event ids
 * is stored already (undefined where it is not): false when none is; true when all are,
 * consecutive and in order, in this stream (a retry: the adapter answers with what is stored);
 * DuplicateEventError when only some are, or elsewhere.
 */
export function isRetry(p: PreparedAppend, found: ReadonlyArray<StoredAt | undefined>): boolean {
  const first = found.findIndex(r => r !== undefined)
  if (first < 0) return false
  const start = found[0]
  const whole = start !== undefined && found.every((r, i) => r !== undefined && r.streamId === p.streamId && r.version === start.version + i)
  if (!whole) throw new DuplicateEventError(p.events[first].event.id)
  return true
}
