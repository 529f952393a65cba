// Tamper evidence: each stream's events form a hash chain. An event's hash covers its
// canonical content and the previous event's hash, so editing, deleting or reordering any
// stored event breaks the chain at that point. Adapters compute it at append; verifyChain
// checks a stream as read back.
import { createHash } from 'node:crypto'
import type { NewEvent, StoredEvent } from './eventStore.js'

export const GENESIS_HASH = '0'.repeat(64)

/** JSON with object keys sorted at every depth: one byte sequence per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null'
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.keys(value as Record<string, unknown>)
    .filter(k => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map(k => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
  return `{${entries.join(',')}}`
}

export function eventHash(prevHash: string, streamId: string, version: number, event: NewEvent): string {
  const content = canonicalJson({
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
