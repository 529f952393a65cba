// Tamper evidence: each stream's events form a hash chain. An event's hash covers its
// canonical content and the previous event's hash, so editing, deleting or reordering any
// stored event breaks the chain at that point. Adapters compute it at append; verifyChain
// checks a stream as read back.
import { createHash } from 'node:crypto'
import type { NewEvent, StoredEvent } from './eventStore.js'

export const GENESIS_HASH = '0'.repeat(64)

/**
 * JSON with object keys sorted at every depth: one byte sequence per value. Keys whose value is
 * undefined are left out, and an undefined array element is null. Written with loops and string
 * concatenation rather than map/filter/join: it runs for every appended event, on the append
 * path, and its bytes must never change, as stored hashes
 * depend on them (test/store/hashChain.test.ts holds it to a reference implementation).
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, false) as string
}

/**
 * canonicalJson for values JSON.stringify would write the same way: null when the value holds
 * anything else (a Date or other class instance, toJSON, a function, a symbol, a bigint), so
 * the caller can fall back to a JSON round trip. For such plain values the text is exactly
 * canonicalJson(JSON.parse(JSON.stringify(value))).
 */
export function plainCanonicalJson(value: unknown): string | null {
  return canonical(value, true)
}

/** Null only when `plain` is asked for and the value is not plain JSON. */
function canonical(value: unknown, plain: boolean): string | null {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null'
    const kind = typeof value
    if (plain && kind !== 'string' && kind !== 'number' && kind !== 'boolean') return null
    // Not plain: a function or symbol gives undefined here, written as such (the first implementation's bytes).
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      const item = canonical(value[i], plain)
      if (item === null) return null
      out += (i === 0 ? '' : ',') + item
    }
    return out + ']'
  }
  const record = value as Record<string, unknown>
  if (plain) {
    const proto = Object.getPrototypeOf(record)
    if ((proto !== Object.prototype && proto !== null) || typeof record.toJSON === 'function') return null
  }
  const keys = Object.keys(record).sort()
  let out = '{'
  let first = true
  for (const key of keys) {
    const v = record[key]
    if (v === undefined) continue
    const item = canonical(v, plain)
    if (item === null) return null
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + item
    first = false
  }
  return out + '}'
}

/** The hash of one event: sha256 over the previous hash, a newline and the event's canonical content. */
export function eventHash(prevHash: string, streamId: string, version: number, event: NewEvent): string {
  const text = (v: unknown) => (v === undefined ? undefined : canonicalJson(v))
  return eventHashOfCanonical(prevHash, streamId, version, event, text(event.data), text(event.metadata))
}

/**
 * eventHash for an event whose data and metadata are given as their canonical JSON texts (as
 * prepareAppend makes them): the same bytes, without walking the payload again.
 */
export function eventHashOfCanonical(prevHash: string, streamId: string, version: number, event: NewEvent, dataJson: string | undefined, metadataJson: string | undefined): string {
  // canonicalJson of the envelope object, byte for byte: its keys in sorted order, written out,
  // and a key left out when its value is undefined.
  const field = (key: string, json: string | undefined) => (json === undefined ? '' : `"${key}":${json},`)
  const value = (v: unknown) => (v === undefined ? undefined : canonicalJson(v))
  const content =
    '{' +
    field('data', dataJson) +
    field('id', value(event.id)) +
    field('metadata', metadataJson) +
    field('recordedAt', value(event.recordedAt)) +
    field('schemaVersion', value(event.schemaVersion)) +
    field('streamId', canonicalJson(streamId)) +
    field('type', value(event.type)) +
    `"version":${canonicalJson(version)}}`
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex')
}

export interface ChainVerdict {
  ok: boolean
  /** Events checked. */
  events: number
  /** Hash of the last event (the chain's head), GENESIS_HASH for an empty stream. */
  head: string
  /** Stream version (position in the plan's history) of the first event that does not check. */
  firstBadPosition?: number
  detail?: string
}

/** Checks a stream's events as read back, in order. */
export function verifyChain(streamId: string, events: StoredEvent[]): ChainVerdict {
  let prev = GENESIS_HASH
  let expectedVersion = 1
  for (const e of events) {
    const bad = (detail: string): ChainVerdict => ({ ok: false, events: events.length, head: prev, firstBadPosition: expectedVersion, detail })
    if (e.version !== expectedVersion) {
      return bad(e.version > expectedVersion ? `event ${expectedVersion} is missing (found ${e.version} next)` : `event ${e.version} is out of order`)
    }
    if (e.prevHash !== prev) return bad(`event ${e.version} does not follow event ${e.version - 1}: previous-hash link broken`)
    const recomputed = eventHash(prev, streamId, e.version, e)
    if (recomputed !== e.hash) return bad(`event ${e.version} content does not match its hash (edited after it was recorded)`)
    prev = e.hash
    expectedVersion++
  }
  return { ok: true, events: events.length, head: prev }
}
