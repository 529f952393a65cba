// The export file: NDJSON, one JSON object per line. Line 1 says what the file is and which
// head the chain must reach; then each of the plan's events in stream order, with everything
// its hash covers, its hash and its predecessor's. `gridledger verify --file` checks such a
// file with nothing else (verifyExport.ts).
import type { StoredEvent } from '../../store/eventStore.js'
import type { SignedHead } from '../signing/signedHead.js'

export const EXPORT_FORMAT = 'gridledger-export/1'

export interface ExportHeader {
  kind: 'export'
  format: typeof EXPORT_FORMAT
  planId: string
  streamId: string
  exportedAt: string
  /** How many events follow (the plan's version when the export began). */
  events: number
  /** The hash of the last of them: the chain's head. */
  head: string
  /** The server's public key (SPKI PEM) and its id: what signed the heads in this file. Check them against a key kept elsewhere. */
  publicKey: string
  keyId: string
  /** The server's signature over this head. */
  signedHead: SignedHead
}

export interface ExportedEvent {
  kind: 'event'
  /** The event's place in the plan's history (its stream version), as in history entries. */
  position: number
  /** Its place in the whole store's order. */
  globalPosition: number
  id: string
  type: string
  schemaVersion: number
  recordedAt: string
  data: Record<string, unknown>
  metadata: Record<string, unknown>
  hash: string
  prevHash: string
}

export function exportedEvent(e: StoredEvent): ExportedEvent {
  return {
    kind: 'event', position: e.version, globalPosition: e.position, id: e.id, type: e.type, schemaVersion: e.schemaVersion,
    recordedAt: e.recordedAt, data: e.data, metadata: e.metadata, hash: e.hash, prevHash: e.prevHash,
  }
}

/** The stored event a line describes (the stream id comes from the file's first line). */
export function storedEventOf(line: ExportedEvent, streamId: string): StoredEvent {
  return {
    id: line.id, type: line.type, schemaVersion: line.schemaVersion, data: line.data, metadata: line.metadata, recordedAt: line.recordedAt,
    streamId, version: line.position, position: line.globalPosition, hash: line.hash, prevHash: line.prevHash,
  }
}
