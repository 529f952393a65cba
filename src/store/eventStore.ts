// The event store port. Every adapter (memory, SQLite, EventStoreDB) implements this and
// passes the one contract suite in test/store/contract.ts. The store knows nothing of plans:
// it stores typed JSON events in streams, keeps a global order and a per-stream hash chain.

/** An event ready to append. The application fills every field; the store adds positions and hashes. */
export interface NewEvent {
  /** Unique id (UUID). Appending an event id that is already stored in that stream is a no-op (idempotent retry). */
  id: string
  type: string
  schemaVersion: number
  data: Record<string, unknown>
  metadata: Record<string, unknown>
  /** ISO 8601 UTC instant, stamped by the application's clock; never earlier than the stream's previous event. */
  recordedAt: string
}

export interface StoredEvent extends NewEvent {
  streamId: string
  /** 1-based number of this event in its stream; the stream's version after it. */
  version: number
  /** Global order across all streams (strictly increasing, gaps allowed). */
  position: number
  /** sha256 hex of the previous event's hash and this event's canonical content (see hashChain.ts). */
  hash: string
  prevHash: string
}

/**
 * Expected version of a stream before an append:
 * - a number n: the stream must hold exactly n events (0 = must not exist yet);
 * - 'any': no check.
 */
export type ExpectedVersion = number | 'any'

/** An HTTP Idempotency-Key's first answer, stored atomically with the events it produced. */
export interface IdempotencyRecord {
  key: string
  /** Hash of the request (method, route, body) that first used the key. */
  fingerprint: string
  /** The stored answer, replayed verbatim. */
  response: unknown
}

/** Idempotency records answer for at least this long (the API's promise); longer is configurable. */
export const IDEMPOTENCY_MIN_RETENTION_MS = 24 * 60 * 60 * 1000

/** The instant (ms) before which idempotency records may be pruned: `olderThan`, but never within the minimum retention of `now`. */
export function idempotencyPruneCutoff(olderThan: Date, now: Date): number {
  return Math.min(olderThan.getTime(), now.getTime() - IDEMPOTENCY_MIN_RETENTION_MS)
}

export interface AppendOptions {
  expectedVersion: ExpectedVersion
  /** Stored in the same transaction as the events; a key already stored fails with IdempotencyKeyTakenError. */
  idempotency?: IdempotencyRecord
}

export interface AppendResult {
  streamId: string
  /** Stream version after the append. */
  version: number
  /** Global position of the last event appended (or of the already-stored events on an idempotent retry). */
  position: number
  events: StoredEvent[]
  /** True when every event id was already stored: nothing new was written. */
  duplicate: boolean
}

export interface ReadStreamOptions {
  /** First version to return (default 1). */
  fromVersion?: number
  /** Last version to return, inclusive. */
  toVersion?: number
  limit?: number
}

export interface ReadAllOptions {
  /** Return events with position strictly greater than this (0 = from the start). */
  after: number
  /** Page size; adapters never return more. */
  limit: number
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running. */
  close(): Promise<void>
}

export interface SubscribeOptions {
  /** Deliver events with position strictly greater than this. */
  after: number
  /** Called once per event, in global order, awaited before the next. A throw stops the subscription and reaches onError. */
  onEvent(event: StoredEvent): void | Promise<void>
  /** Called when catch-up has delivered everything stored at subscribe time (then live events follow). */
  onCaughtUp?(): void
  onError?(error: unknown): void
}

export interface EventStore {
  /** Appends all events or none. Throws VersionConflictError, IdempotencyKeyTakenError, DuplicateEventError, AppendTooLargeError, StoreUnavailableError. */
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>
  /** Events of one stream in version order; [] for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>
  /** Current version of a stream (0 when it does not exist). */
  streamVersion(streamId: string): Promise<number>
  /** One page of all streams' events in global order. */
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>
  /** Position of the newest stored event (0 for an empty store). */
  headPosition(): Promise<number>
  /** Catch-up subscription: stored events after `after`, then new events as they are committed. */
  subscribe(options: SubscribeOptions): Subscription
  findIdempotency(key: string): Promise<IdempotencyRecord | null>
  /** How many idempotency records the store keeps (for metrics); absent where counting is not cheap. */
  idempotencyRecordCount?(): Promise<number>
  /**
   * Deletes idempotency records stored before `olderThan`, never one younger than 24 hours (the
   * API's promise); `now` is for tests. Returns how many went (an adapter whose store expires
   * records by itself returns 0).
   */
  pruneIdempotency(olderThan: Date, now?: Date): Promise<number>
  /** Resolves when the store answers; throws StoreUnavailableError otherwise. */
  ping(): Promise<void>
  close(): Promise<void>
}

export class VersionConflictError extends Error {
  constructor(readonly streamId: string, readonly expected: ExpectedVersion, readonly actual: number) {
    super(`stream ${streamId} is at version ${actual}, expected ${expected}`)
    this.name = 'VersionConflictError'
  }
}

export class IdempotencyKeyTakenError extends Error {
  constructor(readonly key: string) {
    super(`idempotency key already used`)
    this.name = 'IdempotencyKeyTakenError'
  }
}

/** The store cannot be reached or cannot write (disk full, read-only, connection lost). Nothing was acknowledged. */
export class StoreUnavailableError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message)
    this.name = 'StoreUnavailableError'
  }
}

/** A stored event cannot be read back (its payload is not valid JSON): the store was edited outside gridledger. */
export class CorruptEventError extends Error {
  constructor(readonly streamId: string, readonly version: number, readonly position: number, detail: string) {
    super(`event ${version} of stream ${streamId} cannot be read: ${detail}`)
    this.name = 'CorruptEventError'
  }
}

/**
 * The append is larger than the store takes in one atomic write (EventStoreDB's maximum append
 * size). Nothing was written; retrying cannot help.
 */
export class AppendTooLargeError extends Error {
  constructor(readonly size: number, readonly limit: number) {
    super(`an append of about ${size} bytes exceeds the store's limit of ${limit} bytes`)
    this.name = 'AppendTooLargeError'
  }
}

/** Appending event ids that are partly stored, or stored in another stream or order. */
export class DuplicateEventError extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} is already stored elsewhere`)
    this.name = 'DuplicateEventError'
  }
}
