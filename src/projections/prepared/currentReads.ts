// Current-state reads kept ready: the plan state "as recorded now" (effective today) and each
// quarterly report "as recorded now", held as UTF-8 JSON bytes per plan version and read date, so
// a read that finds nothing new answers without folding, parsing, serialising or encoding anything.
//
// Each entry is a cursor: a private fold state (the same `applyToPlanState` every read uses) at a
// known stream version, for one effective date (today's, or a quarter's last day). A read asks
// the store only for the plan's events after that version (an indexed range read, usually
// empty), applies them, and serialises again only when something was applied. A cursor starts
// from the plan catalogue's stored current state when that state is valid for its effective date
// (no event of the plan is effective later), else from the nearest usable snapshot, else from
// the stream's start. The per-read field `asOf` (the instant of the read) is spliced between the
// prepared bytes before and after it; fields derived from the read's date (suggested RAGs) come from the same function
// the per-request fold's answers go through (folds/suggestedRags.ts), for the cursor's date.
import { randomUUID } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { isPlanEventType } from '../../domain/events.js'
import { planStreamId } from '../../domain/planStream.js'
import type { QuarterNumber } from '../../domain/values/financialYear.js'
import type { EventStore, StoredEvent } from '../../store/eventStore.js'
import { applyToPlanState, ownerLabelsOf, type PlanState } from '../folds/planState.js'
import { withSuggestedRags } from '../folds/suggestedRags.js'
import { planQuarter, reportFromState } from '../folds/quarterlyReport.js'
import { PLAN_STATES_COLLECTION, PLANS_COLLECTION, planYear, type CatalogueEntry } from '../readModels/planCatalogue.js'
import { nearestSnapshot } from '../readModels/planSnapshots.js'
import { fromStored } from '../recordedEvent.js'
import type { ReadModelStore } from '../storage/readModelStore.js'

/** A state to start folding from: the plan's state folded up to `version` with every effective date counted. */
export interface FoldStart {
  version: number
  state: PlanState
}

/** A prepared answer: the JSON around the read's instant, and what a conditional request compares. */
export interface PreparedAnswer {
  planId: string
  /** The plan's version the answer shows. */
  version: number
  /** The date the answer is effective on (today's, or the quarter's last day). */
  effectiveOn: string
  /** The latest recording shown: a read is never as of an instant before it. */
  lastRecordedAt: string
  /** Who sees the plan (partnership and live owners), for the visibility check. */
  scope: { partnership: string; ownerLabels: string[] }
  /** The answer's JSON, UTF-8, with `asOf` set to the given instant: what is sent. */
  bytes(asOf: string): Buffer
  /** The same as text. */
  json(asOf: string): string
  /** Size of the prepared bytes (for the cache's bound). */
  size: number
}

interface Cursor {
  planId: string
  effectiveOn: string
  /** Stream version applied up to (events of unknown types count too). */
  version: number
  state: PlanState | null
  lastRecordedAt: string
  /** What the prepared text was made from, or null when it must be made again. */
  prepared: PreparedAnswer | null
  /** Builds the answer's object from the presented state. */
  shape(state: PlanState): unknown
}

export interface CurrentReadsOptions {
  /** Upper bound on the prepared answers' size in memory (bytes of JSON; default 64 MiB). */
  maxBytes?: number
}

const ASOF_PLACEHOLDER = `asOf-${randomUUID()}`

export class CurrentReads {
  private readonly cursors: LRUCache<string, Cursor>
  /** Plans' financial years (set at creation, never changed): a report's read need not look it up. */
  private readonly years = new LRUCache<string, string>({ max: 100_000 })

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly options: CurrentReadsOptions = {},
  ) {
    this.cursors = new LRUCache<string, Cursor>({
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      // A cursor holds its fold state besides the bytes: count the bytes twice.
      sizeCalculation: cursor => 2 * Math.max(1024, cursor.prepared?.size ?? 0),
    })
  }

  /** The plan state as recorded now, effective on `effectiveOn` (today's date); null when the plan does not exist. */
  plan(planId: string, effectiveOn: string): Promise<PreparedAnswer | null> {
    // A current read's asOf is now, whose date is effectiveOn: the suggestions are for that date.
    return this.answer(`${planId}|plan|${effectiveOn}`, planId, effectiveOn, state => withSuggestedRags(state, effectiveOn))
  }

  /** The quarterly report of `quarter` as recorded now; null when the plan does not exist. */
  async report(planId: string, quarter: QuarterNumber): Promise<PreparedAnswer | null> {
    // The quarter's last day depends on the plan's year: known once the plan's state is.
    const year = this.years.get(planId) ?? (await planYear(this.store, this.readModels, planId))
    if (year === null) return null
    this.years.set(planId, year)
    const effectiveOn = planQuarter(year, quarter).to
    return this.answer(`${planId}|q${quarter}`, planId, effectiveOn, state => reportFromState(state, quarter))
  }

  /** Forgets every prepared answer (after a restore or a rebuild under a running server). */
  clear(): void {
    this.cursors.clear()
    this.years.clear()
  }

  private async answer(key: string, planId: string, effectiveOn: string, shape: (state: PlanState) => unknown): Promise<PreparedAnswer | null> {
    let cursor = this.cursors.get(key)
    if (!cursor) {
      cursor = this.start(planId, effectiveOn, shape)
      this.cursors.set(key, cursor)
    }
    await this.advance(cursor)
    if (!cursor.state) return null
    if (!cursor.prepared) {
      cursor.prepared = prepare(cursor, cursor.state)
      // Its size changed: let the cache account for it.
      this.cursors.set(key, cursor)
    }
    return cursor.prepared
  }

  private start(planId: string, effectiveOn: string, shape: Cursor['shape']): Cursor {
    const begin = this.catalogueStart(planId, effectiveOn) ?? this.snapshotStart(planId, effectiveOn)
    return {
      planId,
      effectiveOn,
      version: begin?.version ?? 0,
      state: begin?.state ?? null,
      lastRecordedAt: begin?.state.asOf ?? '',
      prepared: null,
      shape,
    }
  }

  /** The latest snapshot usable for reads effective on `effectiveOn` (readModels/planSnapshots.ts). */
  private snapshotStart(planId: string, effectiveOn: string): FoldStart | null {
    const snapshot = nearestSnapshot(this.readModels, planId, null, effectiveOn)
    return snapshot ? { version: snapshot.version, state: JSON.parse(snapshot.state) as PlanState } : null
  }

  /** The catalogue's current state, when no event of the plan is effective after `effectiveOn`. */
  private catalogueStart(planId: string, effectiveOn: string): FoldStart | null {
    const entry = this.readModels.get<CatalogueEntry>(PLANS_COLLECTION, planId)
    if (!entry || entry.latestEffectiveDate === undefined) return null
    if (entry.latestEffectiveDate !== null && entry.latestEffectiveDate > effectiveOn) return null
    const state = this.readModels.get<PlanState>(PLAN_STATES_COLLECTION, planId)
    // Two reads: another process may have committed between them.
    if (!state || state.version !== entry.version) return null
    return { version: state.version, state }
  }

  /**
   * Applies the plan's events after the cursor's version (read through the stream's version
   * index). Every read asks the store itself, so it sees what was acknowledged before it began;
   * concurrent reads of one cursor skip what another already applied.
   */
  private async advance(cursor: Cursor): Promise<void> {
    const events = await this.store.readStream(planStreamId(cursor.planId), { fromVersion: cursor.version + 1 })
    if (events.length > 0 && events[events.length - 1].version > cursor.version) {
      applyEvents(cursor, events)
      cursor.prepared = null
    }
  }
}

function applyEvents(cursor: Cursor, events: StoredEvent[]): void {
  for (const stored of events) {
    if (stored.version <= cursor.version) continue
    cursor.version = stored.version
    cursor.lastRecordedAt = stored.recordedAt
    // A type this version does not know (written by a newer one) changes nothing it can show.
    if (!isPlanEventType(stored.type)) {
      if (cursor.state) cursor.state.version = stored.version
      continue
    }
    const recorded = fromStored(stored)
    cursor.state = applyToPlanState(cursor.state, recorded, { asOf: recorded.recordedAt, effectiveOn: cursor.effectiveOn })
  }
}

/**
 * Serialises the cursor's state once, with a placeholder where each read puts its instant, and
 * encodes the text on either side of it once: a read copies bytes, it does not encode 60 KB again.
 */
function prepare(cursor: Cursor, state: PlanState): PreparedAnswer {
  state.asOf = ASOF_PLACEHOLDER
  state.effectiveOn = cursor.effectiveOn
  const text = JSON.stringify(cursor.shape(state))
  const quoted = JSON.stringify(ASOF_PLACEHOLDER)
  const at = text.indexOf(quoted)
  if (at < 0) throw new Error('a prepared answer has no asOf')
  const head = Buffer.from(text.slice(0, at), 'utf8')
  const tail = Buffer.from(text.slice(at + quoted.length), 'utf8')
  const bytes = (asOf: string) => {
    const instant = Buffer.from(JSON.stringify(asOf), 'utf8')
    return Buffer.concat([head, instant, tail], head.length + instant.length + tail.length)
  }
  return {
    planId: cursor.planId,
    version: state.version,
    effectiveOn: cursor.effectiveOn,
    lastRecordedAt: cursor.lastRecordedAt,
    scope: { partnership: state.partnership, ownerLabels: ownerLabelsOf(state) },
    bytes,
    json: asOf => bytes(asOf).toString('utf8'),
    size: head.length + tail.length,
  }
}
