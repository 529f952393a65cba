// The SQLite event store's prepared statements and how an events row becomes a StoredEvent.
import type Database from 'better-sqlite3'
import { CorruptEventError, type StoredEvent } from '../eventStore.js'

/** The events columns in the order EventTuple holds them. */
const EVENT_COLUMNS = 'position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at, hash, prev_hash'
export type EventTuple = [number, string, number, string, string, number, string, string, string, string, string]

export type Statements = ReturnType<typeof prepareStatements>

export function prepareStatements(db: Database.Database) {
  return {
    insertEvent: db.prepare<[string, number, string, string, number, string, string, string, string, string]>(
      `INSERT INTO events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at, hash, prev_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    streamHead: db.prepare<[string], { version: number; hash: string; position: number }>(
      `SELECT version, hash, position FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1`,
    ),
    eventById: db.prepare<[string], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ?`).raw(true),
    readStream: db
      .prepare<[string, number, number, number], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? AND version <= ? ORDER BY version LIMIT ?`)
      .raw(true),
    // Without a limit, a statement without LIMIT: a bound LIMIT made every read of this
    // statement cost several times an index lookup, even one finding no rows (the common
    // "anything after version N?" of the prepared current reads).
    readStreamToEnd: db
      .prepare<[string, number, number], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? AND version <= ? ORDER BY version`)
      .raw(true),
    readAll: db.prepare<[number, number], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true),
    headPosition: db.prepare<[], { head: number }>(`SELECT COALESCE(MAX(position), 0) AS head FROM events`),
    idempotencyGet: db.prepare<[string], { key: string; fingerprint: string; response: string }>(
      `SELECT key, fingerprint, response FROM idempotency WHERE key = ?`,
    ),
    idempotencyInsert: db.prepare<[string, string, string, string, string]>(
      `INSERT INTO idempotency (key, fingerprint, response, stream_id, created_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    idempotencyPrune: db.prepare<[string]>(`DELETE FROM idempotency WHERE created_at < ?`),
    ping: db.prepare<[], { ok: number }>(`SELECT 1 AS ok`),
    dataVersion: db.prepare(`PRAGMA data_version`).pluck(),
  }
}

/**
 * Reads return rows as arrays (better-sqlite3's raw mode): building an object per row with
 * every column named costs as much again as the query itself.
 */
export function tupleToStored(t: EventTuple): StoredEvent {
  const [position, streamId, version, id, type, schemaVersion, data, metadata, recordedAt, hash, prevHash] = t
  return {
    id,
    type,
    schemaVersion,
    data: parsePayload(data, 'data', streamId, version, position),
    metadata: parsePayload(metadata, 'metadata', streamId, version, position),
    recordedAt,
    streamId,
    version,
    position,
    hash,
    prevHash,
  }
}

function parsePayload(text: string, column: 'data' | 'metadata', streamId: string, version: number, position: number): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw new CorruptEventError(streamId, version, position, `its ${column} is not valid JSON (${(error as Error).message})`)
  }
}
