// Plan snapshots: a read model of each plan's state (folded with every effective date counted)
// every N events and at the last event recorded before each quarter's end, so an as-of or
// effective-on read folds from the nearest snapshot instead of from the stream's start. Written
// by the plan catalogue projection (which holds the state), in the same transactions, and
// rebuilt with it by `gridledger rebuild`.
//   collection `planSnapshots`:     `<planId>@<version>` → PlanSnapshot
//   collection `planSnapshotIndex`: planId → SnapshotIndexEntry[] (in version order)
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

export function snapshotKey(planId: string, version: number): string {
  return `${planId}@${String(version).padStart(12, '0')}`
}

/** Stores a snapshot of `state` (as text: the caller goes on changing it) and lists it in the plan's index. */
export function takeSnapshot(tx: ReadModelStore, planId: string, state: PlanState, latestEffectiveDate: string | null): void {
  const index = tx.get<SnapshotIndexEntry[]>(PLAN_SNAPSHOT_INDEX_COLLECTION, planId) ?? []
  const last = index[index.length - 1]
  if (last && last[0] >= state.version) return
  const snapshot: PlanSnapshot = { version: state.version, recordedAt: state.asOf, latestEffectiveDate, state: JSON.stringify(state) }
  tx.put(PLAN_SNAPSHOTS_COLLECTION, snapshotKey(planId, state.version), snapshot)
  index.push([state.version, state.asOf, latestEffectiveDate])
  tx.put(PLAN_SNAPSHOT_INDEX_COLLECTION, planId, index)
}

/** A calendar quarter (London) of an instant: quarter ends are the financial year's quarter ends. */
export function quarterOfInstant(instant: string): number {
  const date = londonDate(instant)
  return Number(date.slice(0, 4)) * 4 + Math.floor((Number(date.slice(5, 7)) - 1) / 3)
}

/**
 * The latest snapshot usable for a read as of `asOf` (null: as recorded now) effective on
 * `effectiveOn`, or null when there is none.
 */
export function nearestSnapshot(readModels: ReadModelStore, planId: string, asOf: string | null, effectiveOn: string): PlanSnapshot | null {
  const index = readModels.get<SnapshotIndexEntry[]>(PLAN_SNAPSHOT_INDEX_COLLECTION, planId)
  if (!index) return null
  const limit = asOf === null ? Number.POSITIVE_INFINITY : Date.parse(asOf)
  // Recording times only grow with the version: find the last one recorded by asOf, then walk back.
  let lo = 0
  let hi = index.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (Date.parse(index[mid][1]) <= limit) lo = mid + 1
    else hi = mid
  }
  for (let i = lo - 1; i >= 0; i--) {
    const [version, , latestEffective] = index[i]
    if (latestEffective !== null && latestEffective > effectiveOn) continue
    // Another process may have rebuilt the read models since the index was read: then look no further.
    return readModels.get<PlanSnapshot>(PLAN_SNAPSHOTS_COLLECTION, snapshotKey(planId, version)) ?? null
  }
  return null
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
