// What this adapter instance knows of the streams it appends to: each one's version, last
// event (for the hash chain) and event ids, and which idempotency keys its appends carried.
// This is how a retried append is recognised without an index of all of $all: a stream is read
// whole the first time this instance appends to it (the command handler reads it then anyway),
// then only its new events, one forward read from the known version before each append, which
// is the same round trip as reading the stream's tail.
//
// Duplicate ids. The port refuses an event id stored elsewhere (another stream, another order)
// with DuplicateEventError. Within a stream this is exact. Across streams it holds among the
// streams this instance knows (up to `maxStreams`, least recently used first out): EventStoreDB
// keeps no global id index, and building one costs a read of all of $all. Our ids are random
// UUIDs, so an id in two streams means a client replaying another stream's events.
import type { IdempotencyRecord, StoredEvent } from '../eventStore.js'
import type { Decoded } from './mapping.js'

export interface KnownStream {
  streamId: string
  version: number
  /** The last event, null for a stream that does not exist yet. */
  tail: StoredEvent | null
  /** ids[v - 1] is the id of version v. */
  ids: string[]
  /** Keys of the idempotency records this stream's appends carried, with where each append starts. */
  keys: Map<string, { version: number; record: IdempotencyRecord; createdAt: number }>
}

export class KnownStreams {
  /** In least-recently-used order. */
  private readonly streams = new Map<string, KnownStream>()
  /** Every known stream's ids → where they are. */
  private readonly where = new Map<string, { streamId: string; version: number }>()

  constructor(private readonly maxStreams = 1_000) {}

  get(streamId: string): KnownStream | undefined {
    const known = this.streams.get(streamId)
    if (known) {
      this.streams.delete(streamId)
      this.streams.set(streamId, known)
    }
    return known
  }

  /**
   * Adds events read or written after what is known (a stream read from its start when unknown).
   * Events must follow on from the known version; a gap (the stream was forgotten meanwhile) is
   * ignored: the next read fills it.
   */
  add(streamId: string, events: Decoded[]): KnownStream {
    let known = this.get(streamId)
    if (!known) {
      known = { streamId, version: 0, tail: null, ids: [], keys: new Map() }
      this.streams.set(streamId, known)
      this.evict()
    }
    for (const { stored, idempotency, created } of events) {
      if (stored.version !== known.version + 1) continue
      known.version = stored.version
      known.tail = stored
      known.ids.push(stored.id)
      this.where.set(stored.id, { streamId, version: stored.version })
      if (idempotency) known.keys.set(idempotency.key, { version: stored.version, record: idempotency, createdAt: created })
    }
    return known
  }

  /** Where a known event id is stored. */
  locate(id: string): { streamId: string; version: number } | undefined {
    return this.where.get(id)
  }

  private evict(): void {
    while (this.streams.size > this.maxStreams) {
      const [oldest, known] = this.streams.entries().next().value as [string, KnownStream]
      this.streams.delete(oldest)
      for (const id of known.ids) if (this.where.get(id)?.streamId === oldest) this.where.delete(id)
    }
  }
}
