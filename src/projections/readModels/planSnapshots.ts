// Plan snapshots: a read model of each plan's state (folded with every effective date counted)
// every N events and at the last event recorded before each quarter's end, so an as-of or
// effective-on read folds from the nearest snapshot instead of from the stream's start. Written
// by the plan catalogue projection (which holds the state), in the same transactions, and
// rebuilt with it by `gridledger rebuild`.
//   collection `planSnapshots`:           `<planId>@<version>` → PlanSnapshot
//   collection `planSnapshotIndex`:       planId → SnapshotIndexHead: the latest entries (fewer
//                                         than 2 × INDEX_CHUNK) and how many full chunks precede them
//   collection `planSnapshotIndexChunks`: `<planId>@<n>` → SnapshotIndexEntry[INDEX_CHUNK], never
//                                         changed once written
//   collection `planSnapshotLatest`:      planId → the index's last SnapshotIndexEntry
// The index is chunked so that finding a snapshot reads a bounded amount however long the plan's
// history: the latest entry alone for reads at the end (as-of now, or at the plan's last event),
// else the head, else a binary search over the chunks. The head holds up to twice INDEX_CHUNK
// entries, more the longer the history until then: reads at the end do not read it.
//
// A snapshot at version v serves a read as of `asOf`, effective on `effectiveOn`, when its events
// were all recorded by `asOf` and none is effective after `effectiveOn` (its latestEffectiveDate):
// then the state folded with every effective date equals the state effective on `effectiveOn`.
// Effective dates never lie in the future when recorded, so a plain as-of read (effective on its
// own date) can always use the latest snapshot recorded by then; a read effective on a date
// earlier than some progress falls back to an earlier snapshot, or to the stream's start.
import { planStreamId } from '../../domain/planStream.js'
import { londonDate } from '../../domain/values/calendarDate.js'
import { isPlanEventType } from '../../domain/events.js'
import type { EventStore } from '../../store/eventStore.js'
import { applyToPlanState, type PlanState } from '../folds/planState.js'
import { fromStored } from '../recordedEvent.js'
import type { ReadModelStore } from '../storage/readModelStore.js'

export const PLAN_SNAPSHOTS_COLLECTION = 'planSnapshots'
export const PLAN_SNAPSHOT_INDEX_COLLECTION = 'planSnapshotIndex'
export const PLAN_SNAPSHOT_INDEX_CHUNKS_COLLECTION = 'planSnapshotIndexChunks'
export const PLAN_SNAPSHOT_LATEST_COLLECTION = 'planSnapshotLatest'

/** Index entries per chunk (by default): the head holds the newest entries, from one chunk's worth up to twice that once chunks exist. */
export const INDEX_CHUNK = 32

/** Events between two snapshots of a plan (besides the quarter-end ones). */
export const SNAPSHOT_EVERY = 500

export interface PlanSnapshot {
  version: number
  /** When the snapshot's last event was recorded. */
  recordedAt: string
  /** The latest effective date among its events (null: none has one). */
  latestEffectiveDate: string | null
  /**
   * The state as JSON text: held as a string (not a tree of objects) until a rebuild's staged
   * overlay commits, so a rebuild of a long history keeps its snapshots compact in memory.
   */
  state: string
}

/** [version, recordedAt, latestEffectiveDate] */
export type SnapshotIndexEntry = [number, string, string | null]

export interface SnapshotIndexHead {
  /** Full chunks before `recent` (numbered from 0, oldest first). */
  chunks: number
  /** The newest entries, in version order. */
  recent: SnapshotIndexEntry[]
}

export function snapshotKey(planId: string, version: number): string {
  return `${planId}@${String(version).padStart(12, '0')}`
}

function chunkKey(planId: string, chunk: number): string {
  return `${planId}@${String(chunk).padStart(9, '0')}`
}

/** The plan's index head; an index written before chunking (one array of every entry) reads as a head without chunks. */
function indexHead(readModels: ReadModelStore, planId: string): SnapshotIndexHead | null {
  const doc = readModels.get<SnapshotIndexHead | SnapshotIndexEntry[]>(PLAN_SNAPSHOT_INDEX_COLLECTION, planId)
  if (doc === undefined) return null
  return Array.isArray(doc) ? { chunks: 0, recent: doc } : doc
}

function indexChunk(readModels: ReadModelStore, planId: string, chunk: number): SnapshotIndexEntry[] {
  return readModels.get<SnapshotIndexEntry[]>(PLAN_SNAPSHOT_INDEX_CHUNKS_COLLECTION, chunkKey(planId, chunk)) ?? []
}

/** Every entry of the plan's snapshot index, oldest first (for tests and tools; reads do not need them all). */
export function snapshotIndexEntries(readModels: ReadModelStore, planId: string): SnapshotIndexEntry[] {
  const head = indexHead(readModels, planId)
  if (!head) return []
  const entries: SnapshotIndexEntry[] = []
  for (let chunk = 0; chunk < head.chunks; chunk++) entries.push(...indexChunk(readModels, planId, chunk))
  return entries.concat(head.recent)
}

/** Stores a snapshot of `state` (as text: the caller goes on changing it) and lists it in the plan's index. */
export function takeSnapshot(tx: ReadModelStore, planId: string, state: PlanState, latestEffectiveDate: string | null, chunkSize = INDEX_CHUNK): void {
  const head = indexHead(tx, planId) ?? { chunks: 0, recent: [] }
  // The head keeps at least INDEX_CHUNK entries once chunks exist, so its last entry is the index's last.
  const last = head.recent[head.recent.length - 1]
  if (last && last[0] >= state.version) return
  const snapshot: PlanSnapshot = { version: state.version, recordedAt: state.asOf, latestEffectiveDate, state: JSON.stringify(state) }
  tx.put(PLAN_SNAPSHOTS_COLLECTION, snapshotKey(planId, state.version), snapshot)
  const entry: SnapshotIndexEntry = [state.version, state.asOf, latestEffectiveDate]
  const recent = [...head.recent, entry]
  let chunks = head.chunks
  let from = 0
  for (; recent.length - from >= 2 * chunkSize; from += chunkSize) tx.put(PLAN_SNAPSHOT_INDEX_CHUNKS_COLLECTION, chunkKey(planId, chunks++), recent.slice(from, from + chunkSize))
  tx.put(PLAN_SNAPSHOT_INDEX_COLLECTION, planId, { chunks, recent: recent.slice(from) } satisfies SnapshotIndexHead)
  tx.put(PLAN_SNAPSHOT_LATEST_COLLECTION, planId, entry)
}

/** Whether the snapshot an entry lists serves a read as of `limit` (ms) effective on `effectiveOn`. */
function serves([, recordedAt, latestEffective]: SnapshotIndexEntry, limit: number, effectiveOn: string): boolean {
  return Date.parse(recordedAt) <= limit && (latestEffective === null || latestEffective <= effectiveOn)
}

/** A calendar quarter (London) of an instant: quarter ends are the financial year's quarter ends. */
export function quarterOfInstant(instant: string): number {
  const date = londonDate(instant)
  return Number(date.slice(0, 4)) * 4 + Math.floor((Number(date.slice(5, 7)) - 1) / 3)
}

/** How many of `entries` (in version order) were recorded by `limit` (ms). */
function recordedByCount(entries: SnapshotIndexEntry[], limit: number): number {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (Date.parse(entries[mid][1]) <= limit) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The latest snapshot usable for a read as of `asOf` (null: as recorded now) effective on
 * `effectiveOn`, or null when there is none. Reads the index head, and only when the read lies
 * before it, a binary search's worth of chunks: not the whole index.
 */
export function nearestSnapshot(readModels: ReadModelStore, planId: string, asOf: string | null, effectiveOn: string): PlanSnapshot | null {
  const limit = asOf === null ? Number.POSITIVE_INFINITY : Date.parse(asOf)
  // The latest snapshot serves every read at the end; read models from before it was kept have none.
  const latest = readModels.get<SnapshotIndexEntry>(PLAN_SNAPSHOT_LATEST_COLLECTION, planId)
  if (latest && serves(latest, limit, effectiveOn)) {
    const snapshot = readModels.get<PlanSnapshot>(PLAN_SNAPSHOTS_COLLECTION, snapshotKey(planId, latest[0]))
    if (snapshot) return snapshot
  }
  const head = indexHead(readModels, planId)
  if (!head) return null
  // Recording times only grow with the version: find the last entry recorded by asOf, then walk back.
  let chunk = head.chunks
  let entries = head.recent
  let count = recordedByCount(entries, limit)
  if (count === 0 && head.chunks > 0) {
    // Before the head: the last chunk whose first entry was recorded by asOf.
    let lo = 0
    let hi = head.chunks
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const first = indexChunk(readModels, planId, mid)[0]
      if (first && Date.parse(first[1]) <= limit) lo = mid + 1
      else hi = mid
    }
    if (lo === 0) return null
    chunk = lo - 1
    entries = indexChunk(readModels, planId, chunk)
    count = recordedByCount(entries, limit)
  }
  for (;;) {
    for (let i = count - 1; i >= 0; i--) {
      if (!serves(entries[i], limit, effectiveOn)) continue
      // Another process may have rebuilt the read models since the index was read: then look no further.
      return readModels.get<PlanSnapshot>(PLAN_SNAPSHOTS_COLLECTION, snapshotKey(planId, entries[i][0])) ?? null
    }
    // None usable here (progress effective after effectiveOn): walk back into the chunk before.
    if (chunk === 0) return null
    entries = indexChunk(readModels, planId, --chunk)
    count = entries.length
  }
}

/** Events read from the store at a time while folding on from a snapshot. */
const FOLD_CHUNK = 1000

export interface FoldedFromSnapshot {
  /** Null when the plan did not exist as of `asOf`. */
  state: PlanState | null
  /** The latest event counted (recorded by `asOf`), or null. */
  lastRecordedAt: string | null
}

/**
 * The plan state as of `asOf` (null: everything recorded) effective on `effectiveOn`, folded
 * from the nearest usable snapshot on through the plan's stream (read from the snapshot's
 * version on, through the stream's index): what `projectPlanState` gives over the whole stream,
 * at a cost that does not grow with the history before the snapshot. `state.asOf` and
 * `state.effectiveOn` are left for the caller to set.
 */
export async function foldFromSnapshot(store: EventStore, readModels: ReadModelStore, planId: string, read: { asOf: string | null; effectiveOn: string }): Promise<FoldedFromSnapshot> {
  const snapshot = nearestSnapshot(readModels, planId, read.asOf, read.effectiveOn)
  let state = snapshot ? (JSON.parse(snapshot.state) as PlanState) : null
  let lastRecordedAt = snapshot?.recordedAt ?? null
  const limit = read.asOf === null ? Number.POSITIVE_INFINITY : Date.parse(read.asOf)
  const stream = planStreamId(planId)
  for (let from = (snapshot?.version ?? 0) + 1; ; ) {
    const chunk = await store.readStream(stream, { fromVersion: from, limit: FOLD_CHUNK })
    for (const stored of chunk) {
      // Recording times never go back within a stream: the first one after asOf ends the fold.
      if (Date.parse(stored.recordedAt) > limit) return { state, lastRecordedAt }
      lastRecordedAt = stored.recordedAt
      // A type this version does not know (written by a newer one) changes nothing it can show.
      if (!isPlanEventType(stored.type)) {
        if (state) state.version = stored.version
        continue
      }
      const recorded = fromStored(stored)
      state = applyToPlanState(state, recorded, { asOf: recorded.recordedAt, effectiveOn: read.effectiveOn })
    }
    if (chunk.length < FOLD_CHUNK) return { state, lastRecordedAt }
    from = chunk[chunk.length - 1].version + 1
  }
}
