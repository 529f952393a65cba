// Idempotency records on EventStoreDB. It has no multi-stream transactions, so the record is
// stored INSIDE the first appended event's metadata (atomic with the events), and a pointer event
// is then appended to `<prefix>$idempotency-<sha256(key)>`; findIdempotency reads the pointer.
// The pointer's revision guards the key: a second record for a live key fails with
// IdempotencyKeyTakenError before anything is written.
//
// Retention. A pointer older than the retention period is expired: read as absent, and the key
// may be used again (the new pointer is appended after the expired one). The pointer stream is
// created with $maxAge set to the retention period, so the server hides expired pointers by
// itself and its scavenge deletes them: EventStoreDB prunes the records on its own schedule.
// The record inside the first event stays with that event, as the event does.
import { BACKWARDS, END, jsonEvent, NO_STREAM, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client'
import { createHash, randomUUID } from 'node:crypto'
import { derivedId } from '../../shared/derivedId.js'
import { IdempotencyKeyTakenError, type IdempotencyRecord } from '../eventStore.js'
import { isPlainObject } from '../../shared/isPlainObject.js'
import { LEADER } from './allReader.js'
import { collect, within } from './calls.js'
import { unavailable } from './failures.js'
import type { EsdbMapping } from './mapping.js'

const POINTER_EVENT_TYPE = 'IdempotencyKeyUsed'

/** What a key's pointer stream says now. */
export interface PointerState {
  /** The live record, or null when the key is free (never used, or its record expired). */
  record: IdempotencyRecord | null
  /** Revision of the pointer stream's last event (null: no stream): the next pointer is expected after it. */
  revision: bigint | null
  /** The first event id of the append the live record belongs to. */
  firstEventId?: string
}

/** Where the events of an append that carried a record are. */
export interface PointerTarget {
  streamId: string
  /** Version of the append's last event (or the stream's version for an empty append). */
  version: number
  position: number
  eventIds: string[]
}

export class IdempotencyPointers {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly mapping: EsdbMapping,
    private readonly timeoutMs: number,
    private readonly retentionMs: number,
    private readonly clock: () => number,
    private readonly append: (stream: string, events: ReturnType<typeof jsonEvent>[], expected: typeof NO_STREAM | bigint) => Promise<unknown>,
  ) {}

  streamOf(key: string): string {
    return this.mapping.bookkeepingStream(`idempotency-${createHash('sha256').update(key).digest('hex')}`)
  }

  async read(key: string): Promise<PointerState> {
    const now = this.clock()
    const [last] = await collect('read idempotency key', this.timeoutMs, () =>
      this.client.readStream(this.streamOf(key), { direction: BACKWARDS, fromRevision: END, maxCount: 1, ...LEADER }),
    )
    const event = last?.event
    if (!event) return { record: null, revision: null }
    const data = event.data
    const live = now - event.created.getTime() < this.retentionMs
    const record = live && isPlainObject(data) && data.key === key ? { key, fingerprint: String(data.fingerprint), response: data.response === undefined ? null : data.response } : null
    const ids = isPlainObject(data) && Array.isArray(data.eventIds) ? data.eventIds : []
    return { record, revision: event.revision, ...(typeof ids[0] === 'string' ? { firstEventId: ids[0] } : {}) }
  }

  /** Writes the key's pointer after `state`; IdempotencyKeyTakenError when someone else wrote one first. */
  async write(record: IdempotencyRecord, target: PointerTarget, state: PointerState): Promise<void> {
    const pointer = jsonEvent({
      // Deterministic for one append, so a retried pointer append is EventStoreDB-idempotent.
      id: derivedId('gridledger-idempotency', record.key, target.eventIds[0] ?? randomUUID()),
      type: POINTER_EVENT_TYPE,
      data: { key: record.key, fingerprint: record.fingerprint, response: record.response, ...target },
    })
    const stream = this.streamOf(record.key)
    // A new pointer stream gets $maxAge = the retention period (in parallel): the server hides
    // and scavenges pointers past it. Best effort: without it a pointer still expires when read.
    const retention = state.revision === null
      ? within('set idempotency retention', this.timeoutMs, this.client.setStreamMetadata(stream, { maxAge: Math.ceil(this.retentionMs / 1000) })).catch(() => undefined)
      : undefined
    try {
      await this.append(stream, [pointer], state.revision === null ? NO_STREAM : state.revision)
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw unavailable(error, 'append idempotency key')
      // Written meanwhile: taken, unless what is there now has expired too (hidden by $maxAge).
      const now = await this.read(record.key)
      // Another instance may have written our own pointer (it found our record in the stream).
      if (now.record && target.eventIds.length > 0 && now.firstEventId === target.eventIds[0]) return
      if (now.record || now.revision === state.revision) throw new IdempotencyKeyTakenError(record.key)
      return this.write(record, target, now)
    } finally {
      await retention
    }
  }

  /** A retried append whose pointer is missing (a crash between events and pointer): writes it from the record stored with the events. */
  async repair(record: IdempotencyRecord, target: PointerTarget): Promise<void> {
    try {
      await this.write(record, target, await this.read(record.key))
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTakenError)) throw error
    }
  }
}
