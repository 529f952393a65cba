// How the port's events are laid out in EventStoreDB, both ways.
// - Streams: port stream `s` is EventStoreDB stream `<prefix>s` (default prefix `gridledger-`),
//   so our events can be told apart in $all. Port stream ids may not start with `$`: the adapter
//   keeps its own bookkeeping streams under `<prefix>$…` and skips them (and every system `$…`
//   stream, and every stream without our prefix) in reads and subscriptions.
// - Versions: port version = EventStoreDB revision + 1.
// - Event ids: our id is EventStoreDB's event id, so EventStoreDB's own idempotency holds for a
//   retried append. EventStoreDB ids must be UUIDs: an id that is not a lowercase canonical
//   UUID is mapped to a UUID derived from it and kept in the metadata (`gridledger.id`).
// - Event metadata (EventStoreDB custom metadata, JSON) is the port's metadata (so the actor and
//   correlation ids sit where EventStoreDB tools look) plus one reserved key:
//     { ...event.metadata,
//       gridledger: { v: 1, schemaVersion, recordedAt, hash, prevHash,
//                     id?,            // our id when it is not a UUID
//                     idempotency? }  // { key, fingerprint, response } on the first event of an
//     }                               //   append that carried an idempotency record
//   A port metadata object with its own `gridledger` key is refused (TypeError).
// - Positions: the $all commit position as a JS number. Commit positions are byte offsets in the
//   transaction log; 2^53 bytes is 9 PB, beyond any realistic log, so Number() is exact. Since
//   EventStoreDB 20 every event of a multi-event append has its own log position
//   (commit = prepare), so positions strictly increase across events.
import { jsonEvent, type AllStreamResolvedEvent, type EventData, type ResolvedEvent } from '@eventstore/db-client'
import { derivedId } from '../../shared/derivedId.js'
import type { IdempotencyRecord, StoredEvent } from '../eventStore.js'
import { eventHashOfCanonical } from '../hashChain.js'
import { isPlainObject } from '../../shared/isPlainObject.js'
import type { PreparedAppend } from '../prepareAppend.js'

export const DEFAULT_STREAM_PREFIX = 'gridledger-'
/** The reserved key in EventStoreDB event metadata. */
export const METADATA_KEY = 'gridledger'

/** What the adapter keeps in EventStoreDB event metadata under `gridledger`. */
export interface GlMetadata {
  v: 1
  schemaVersion: number
  recordedAt: string
  hash: string
  prevHash: string
  id?: string
  idempotency?: IdempotencyRecord
}

/** One of our events as read back, with the idempotency record its append carried (on its first event). */
export interface Decoded {
  stored: StoredEvent
  idempotency?: IdempotencyRecord
  /** When the server wrote it (ms since the epoch; the server's clock, not the application's recordedAt). */
  created: number
}

export type RecordedLike = NonNullable<AllStreamResolvedEvent['event']> | NonNullable<ResolvedEvent['event']>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Positions of 2^63 and above are EventStoreDB's "no position" (-1 as an unsigned 64-bit). */
const NO_POSITION = 1n << 63n

export function esdbEventId(id: string): string {
  return UUID.test(id) ? id : derivedId('gridledger-event-id', id)
}

/** $all position as a JS number: a log byte offset, exact below 2^53 (9 PB of log). */
export function positionNumber(commit: bigint): number {
  return Number(commit)
}

function positionOf(resolved: { commitPosition?: bigint }, event: RecordedLike): number {
  const commit = event.position?.commit
  if (commit !== undefined && commit < NO_POSITION) return positionNumber(commit)
  if (resolved.commitPosition !== undefined && resolved.commitPosition < NO_POSITION) return positionNumber(resolved.commitPosition)
  // A server that reports no position for stream reads (older than 22.10): unknown.
  return 0
}

/** Maps port streams and events to EventStoreDB's and back, for one stream prefix. */
export class EsdbMapping {
  constructor(readonly streamPrefix: string) {
    if (typeof streamPrefix !== 'string' || streamPrefix.length === 0 || streamPrefix.startsWith('$')) {
      throw new TypeError('streamPrefix must be a non-empty string that does not start with $')
    }
  }

  streamName(streamId: string): string {
    return this.streamPrefix + streamId
  }

  /** The adapter's own bookkeeping stream `<prefix>$<name>`: never a port stream. */
  bookkeepingStream(name: string): string {
    return `${this.streamPrefix}$${name}`
  }

  /** Refuses what the port allows but this layout cannot hold. */
  checkAppend(p: PreparedAppend): void {
    if (p.streamId.startsWith('$')) throw new TypeError('streamId must not start with $ (reserved for EventStoreDB system streams and the adapter)')
    for (const e of p.events) {
      if (METADATA_KEY in e.event.metadata) throw new TypeError(`metadata key "${METADATA_KEY}" is reserved by the EventStoreDB adapter`)
    }
  }

  /**
   * The events to send for an append on top of `version` (whose last hash is `prevHash`): the
   * hash chain continued, our reserved metadata, the idempotency record on the first event.
   */
  encode(p: PreparedAppend, version: number, prevHash: string): { proposed: EventData[]; hashes: string[]; metadata: GlMetadata[] } {
    const hashes: string[] = []
    const metadata: GlMetadata[] = []
    const proposed = p.events.map(({ event, dataJson, metadataJson }, i) => {
      const hash = eventHashOfCanonical(prevHash, p.streamId, version + i + 1, event, dataJson, metadataJson)
      const gl: GlMetadata = { v: 1, schemaVersion: event.schemaVersion, recordedAt: event.recordedAt, hash, prevHash }
      const id = esdbEventId(event.id)
      if (id !== event.id) gl.id = event.id
      if (i === 0 && p.idempotency) gl.idempotency = { key: p.idempotency.key, fingerprint: p.idempotency.fingerprint, response: p.idempotency.response }
      hashes.push(hash)
      metadata.push(gl)
      prevHash = hash
      return jsonEvent({ id, type: event.type, data: event.data, metadata: { ...event.metadata, [METADATA_KEY]: gl } })
    })
    return { proposed, hashes, metadata }
  }

  /** Our event as stored, or null for system streams, other prefixes and adapter bookkeeping. */
  decode(resolved: { event?: RecordedLike; commitPosition?: bigint }): Decoded | null {
    const e = resolved.event
    if (!e || !e.streamId.startsWith(this.streamPrefix) || e.streamId.charAt(this.streamPrefix.length) === '$') return null
    const meta = isPlainObject(e.metadata) ? e.metadata : {}
    const { [METADATA_KEY]: glValue, ...metadata } = meta
    const gl: Partial<GlMetadata> = isPlainObject(glValue) ? (glValue as Partial<GlMetadata>) : {}
    const stored: StoredEvent = {
      id: typeof gl.id === 'string' ? gl.id : e.id,
      type: e.type,
      schemaVersion: typeof gl.schemaVersion === 'number' ? gl.schemaVersion : 1,
      data: isPlainObject(e.data) ? e.data : {},
      metadata,
      recordedAt: typeof gl.recordedAt === 'string' ? gl.recordedAt : e.created.toISOString(),
      streamId: e.streamId.slice(this.streamPrefix.length),
      version: Number(e.revision) + 1,
      position: positionOf(resolved, e),
      // An event written by another tool has no hash: verifyChain reports it.
      hash: typeof gl.hash === 'string' ? gl.hash : '',
      prevHash: typeof gl.prevHash === 'string' ? gl.prevHash : '',
    }
    return { stored, idempotency: isPlainObject(gl.idempotency) ? gl.idempotency : undefined, created: e.created.getTime() }
  }
}
