// The plan catalogue read model: every plan's summary (for listing and provider scoping) and
// its current grid state, kept incrementally with the same fold as as-of reads.
//   collection `plans`:      planId → CatalogueEntry (small: what a listing needs)
//   collection `planStates`: planId → PlanState (current: all recorded, every effective date),
//                            the start of current-state answers (projections/prepared)
//   collections `planSnapshots`, `planSnapshotIndex`, `planSnapshotIndexChunks`,
//                            `planSnapshotLatest`: the state
//                            every N events and at quarter ends (planSnapshots.ts), the start
//                            of as-of reads
// Idempotent by position: an event at or below the stored state's version is skipped.
import { effectiveDateOf, isPlanEventType } from '../../domain/events.js'
import { isPlanStream, planIdOfStream, planStreamId } from '../../domain/planStream.js'
import { LRUCache } from 'lru-cache'
import type { EventStore } from '../../store/eventStore.js'
import { applyToPlanState, EFFECTIVE_ALWAYS, ownerLabelsOf, type PlanState } from '../folds/planState.js'
import type { ReadModelStore } from '../storage/readModelStore.js'
import { fromStored } from '../recordedEvent.js'
import { INDEX_CHUNK, PLAN_SNAPSHOT_INDEX_CHUNKS_COLLECTION, PLAN_SNAPSHOT_INDEX_COLLECTION, PLAN_SNAPSHOT_LATEST_COLLECTION, PLAN_SNAPSHOTS_COLLECTION, quarterOfInstant, SNAPSHOT_EVERY, takeSnapshot } from './planSnapshots.js'
import type { Projection } from './runner.js'

export interface CatalogueEntry {
  id: string
  partnership: string
  year: string
  title: string
  version: number
  /** Owners of the plan's live actions (first spelling of each, case-insensitively distinct). */
  ownerLabels: string[]
  /**
   * Hash of the last event applied (at `version`): a second witness of the chain's head, so an
   * integrity check notices events cut off the end, or a tail re-chained after an edit, which
   * the chain alone cannot show. Absent in entries written before it was recorded.
   */
  headHash?: string
  /**
   * The latest effective date among the plan's events (null while none has one): the stored
   * current state, folded with every effective date counted, is the state effective on any date
   * from this one on. Absent in entries written before it was recorded (then nothing is assumed).
   */
  latestEffectiveDate?: string | null
}

export interface CatalogueEntryWithState extends CatalogueEntry {
  state: PlanState
}

export const PLANS_COLLECTION = 'plans'
export const PLAN_STATES_COLLECTION = 'planStates'

/** Events that can change which owner labels a plan's live actions have. */
const OWNER_EVENTS = new Set(['ActionAdded', 'OwnerAssigned', 'OwnerUnassigned', 'ActionWithdrawn'])

/** Whether an event of this type can change what visibility reads of a catalogue entry (its partnership, its owner labels). */
export function changesPlanScope(eventType: string): boolean {
  return eventType === 'PlanCreated' || OWNER_EVENTS.has(eventType)
}

export interface PlanCatalogueOptions {
  /** A snapshot every this many events of a plan (planSnapshots.ts); default SNAPSHOT_EVERY. */
  snapshotEvery?: number
  /** Entries per chunk of the snapshot index (planSnapshots.ts); default INDEX_CHUNK. */
  indexChunk?: number
}

/** Plans whose current state the projection keeps parsed between batches (least recently used dropped first). */
const KEPT_STATES = 256

/**
 * The plan states the projection last wrote, kept parsed so a batch need not read a plan's whole
 * state back (JSON.parse of tens of KB) to apply one more event. One is used only when the stored
 * catalogue entry still names its version and head hash: the hash chain makes (plan, version,
 * head hash) name one history, so the kept state is the stored one, whichever store, process or
 * earlier runner wrote it. Only the runner's batches use them (see Projection.apply's `live`):
 * a rebuild's staged documents live across awaits and must not be shared. An entry is taken out
 * while its state is changed and put back after, so a failure half-way through, or a batch
 * rolled back after it, leaves nothing that could match.
 */
class KeptStates {
  private readonly states = new LRUCache<string, { state: PlanState; hash: string }>({ max: KEPT_STATES })

  take(planId: string, stored: CatalogueEntry | undefined): PlanState | undefined {
    const kept = this.states.get(planId)
    if (!kept) return undefined
    this.states.delete(planId)
    return stored?.headHash !== undefined && stored.headHash === kept.hash && stored.version === kept.state.version ? kept.state : undefined
  }

  keep(planId: string, state: PlanState, hash: string): void {
    this.states.set(planId, { state, hash })
  }
}

export function createPlanCatalogueProjection(options: PlanCatalogueOptions = {}): Projection {
  const snapshotEvery = options.snapshotEvery ?? SNAPSHOT_EVERY
  const indexChunk = options.indexChunk ?? INDEX_CHUNK
  const kept = new KeptStates()
  return {
    name: 'planCatalogue',
    collections: [PLANS_COLLECTION, PLAN_STATES_COLLECTION, PLAN_SNAPSHOTS_COLLECTION, PLAN_SNAPSHOT_INDEX_COLLECTION, PLAN_SNAPSHOT_INDEX_CHUNKS_COLLECTION, PLAN_SNAPSHOT_LATEST_COLLECTION],
    apply(event, tx, live) {
      if (!isPlanStream(event.streamId)) return
      const planId = planIdOfStream(event.streamId)
      const stored = tx.get<CatalogueEntry>(PLANS_COLLECTION, planId)
      const current = (live ? kept.take(planId, stored) : undefined) ?? tx.get<PlanState>(PLAN_STATES_COLLECTION, planId) ?? null
      if (current && current.version >= event.version) return
      // The state as it stood at a quarter's end (its last event before it): a snapshot, taken
      // before this event changes it. Entries from before latestEffectiveDate was kept take none.
      const known = stored?.latestEffectiveDate
      if (current && known !== undefined && quarterOfInstant(current.asOf) !== quarterOfInstant(event.recordedAt)) takeSnapshot(tx, planId, current, known, indexChunk)
      // A type this version does not know (written by a newer one) changes nothing it can show.
      const recorded = isPlanEventType(event.type) ? fromStored(event) : null
      const next = recorded ? applyToPlanState(current, recorded, { asOf: event.recordedAt, effectiveOn: EFFECTIVE_ALWAYS }) : current
      if (!next) return
      next.version = event.version
      next.asOf = event.recordedAt
      next.effectiveOn = EFFECTIVE_ALWAYS
      tx.put(PLAN_STATES_COLLECTION, planId, next)
      // Owner labels walk every action, the costliest step of a rebuild: recompute them only
      // when an event can change them.
      const previous = OWNER_EVENTS.has(event.type) ? undefined : stored
      const effective = recorded ? effectiveDateOf(recorded.event) : null
      const before = stored ? stored.latestEffectiveDate : null
      const latestEffectiveDate = before === undefined ? undefined : effective !== null && (before === null || effective > before) ? effective : before
      const entry: CatalogueEntry = {
        id: next.id,
        partnership: next.partnership,
        year: next.year,
        title: next.title,
        version: next.version,
        ownerLabels: previous ? previous.ownerLabels : ownerLabelsOf(next),
        headHash: event.hash,
        // An entry from before the field existed stays without it: its history is unknown here.
        ...(latestEffectiveDate === undefined ? {} : { latestEffectiveDate }),
      }
      tx.put(PLANS_COLLECTION, planId, entry)
      if (live) kept.keep(planId, next, event.hash)
      if (latestEffectiveDate !== undefined && next.version % snapshotEvery === 0) takeSnapshot(tx, planId, next, latestEffectiveDate, indexChunk)
    },
  }
}

export const planCatalogueProjection: Projection = createPlanCatalogueProjection()

/** Every plan's summary, by partnership, then year, then id. */
export function listPlans(readModels: ReadModelStore): CatalogueEntry[] {
  return readModels
    .list<CatalogueEntry>(PLANS_COLLECTION)
    .sort((a, b) => a.partnership.localeCompare(b.partnership) || a.year.localeCompare(b.year) || a.id.localeCompare(b.id))
}

/** One plan's summary with its current state, or null when the catalogue has no such plan. */
export function getCatalogueEntry(readModels: ReadModelStore, planId: string): CatalogueEntryWithState | null {
  const entry = readModels.get<CatalogueEntry>(PLANS_COLLECTION, planId)
  const state = readModels.get<PlanState>(PLAN_STATES_COLLECTION, planId)
  return entry && state ? { ...entry, state } : null
}

/** The plan's financial year: from the catalogue, else (not catalogued yet) from its first event; null when there is no such plan. */
export async function planYear(store: EventStore, readModels: ReadModelStore, planId: string): Promise<string | null> {
  const known = readModels.get<CatalogueEntry>(PLANS_COLLECTION, planId)
  if (known) return known.year
  const [first] = await store.readStream(planStreamId(planId), { limit: 1 })
  return first?.type === 'PlanCreated' ? String(first.data.year) : null
}
