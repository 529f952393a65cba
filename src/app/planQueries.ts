// Reads of one plan: state as of an instant and effective on a date, quarterly reports,
// history, integrity. Each reads only that plan's stream, so its cost does not grow with the
// size of the whole store. Visibility (providers see only plans where a label of theirs owns a
// live action) is checked here, on every read.
import type { Principal } from '../domain/actor.js'
import { NotFoundError } from '../domain/errors.js'
import { maySeePlan, planVisibility, seesEveryPlan } from '../domain/visibility.js'
import { londonDate } from '../domain/values/calendarDate.js'
import type { QuarterNumber } from '../domain/values/financialYear.js'
import { historyLimit, historyPage, type HistoryPage } from '../projections/folds/history.js'
import { listPlans, planYear, PLANS_COLLECTION, type CatalogueEntry } from '../projections/readModels/planCatalogue.js'
import { foldFromSnapshot } from '../projections/readModels/planSnapshots.js'
import type { PlanState } from '../projections/folds/planState.js'
import { planChanges, type PlanChanges } from '../projections/folds/planChanges.js'
import { isQuarterNumber, planQuarter, reportFromState, type QuarterlyReport } from '../projections/folds/quarterlyReport.js'
import { withSuggestedRags, type PlanRead } from '../projections/folds/suggestedRags.js'
import { CurrentReads, type PreparedAnswer } from '../projections/prepared/currentReads.js'
import type { ReadModelStore } from '../projections/storage/readModelStore.js'
import { planStreamId } from '../domain/planStream.js'
import { fromStored, type RecordedPlanEvent } from '../projections/recordedEvent.js'
import type { ProjectionRunner } from '../projections/readModels/runner.js'
import type { EventStore } from '../store/eventStore.js'
import type { ChainVerdict } from '../store/hashChain.js'
import { checkStreamIntegrity } from '../store/integrity.js'
import { checkSignOffs, type SignOffCheck } from '../projections/folds/signOffs.js'
import type { Clock } from './clock.js'
import { PlanAccess } from './planAccess.js'

/** A read's own date, when none is asked for: its instant's (null: now), never later than today. */
function readDate(asOf: string | null, now: string): string {
  return londonDate(asOf !== null && asOf < now ? asOf : now)
}

/** "Now" for a read of these events: the clock, or the latest event's time when another instance's clock ran ahead. */
export function readInstant(events: RecordedPlanEvent[], now: Date): string {
  const iso = now.toISOString()
  const latest = events.length ? events[events.length - 1].recordedAt : iso
  return latest > iso ? latest : iso
}

export interface PlanSummary {
  id: string
  partnership: string
  year: string
  title: string
  version: number
}

/** A current-state answer, ready to send: its validator and its JSON. */
export interface CurrentAnswer {
  /** Strong ETag (API.md "Reads"). */
  etag: string
  version: number
  /** The JSON, UTF-8: made only when it is sent (a 304 sends none). */
  bytes(): Buffer
}

/** Events read at a time while looking for one action's history entries. */
const HISTORY_SCAN_CHUNK = 500

/** How long a read waits for the projections to reach the store's head before answering anyway. */
const CATCH_UP_MS = 2_000

export class PlanQueries {
  private readonly current: CurrentReads

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly runner: ProjectionRunner,
    private readonly clock: Clock,
    /** Who may see which plan (the HTTP layer's own, so both keep one cache). */
    private readonly access: PlanAccess = new PlanAccess(store, readModels, runner),
  ) {
    this.current = new CurrentReads(store, readModels)
  }

  /**
   * The plan state as recorded now and effective today, from the prepared answers
   * (projections/prepared): what `state` folds without asOf and effectiveOn, without folding.
   * Its ETag names the version and the date, as the suggestions (and what is effective) change with either.
   */
  async currentState(planId: string, principal: Principal): Promise<CurrentAnswer> {
    const now = this.clock().toISOString()
    const answer = await this.current.plan(planId, londonDate(now))
    return this.send(planId, answer, principal, now, `"${answer?.version}-${answer?.effectiveOn}"`)
  }

  /** The quarterly report as recorded now, from the prepared answers: what `report` folds without asOf. */
  async currentReport(planId: string, principal: Principal, quarter: QuarterNumber): Promise<CurrentAnswer> {
    const answer = await this.current.report(planId, quarter)
    return this.send(planId, answer, principal, this.clock().toISOString(), `"${answer?.version}"`)
  }

  private send(planId: string, answer: PreparedAnswer | null, principal: Principal, now: string, etag: string): CurrentAnswer {
    if (!answer || !maySeePlan(principal, answer.scope)) throw new NotFoundError('plan', planId)
    // As `asOf` below: never before the latest recording, even from a clock running behind.
    const asOf = answer.lastRecordedAt > now ? answer.lastRecordedAt : now
    return { etag, version: answer.version, bytes: () => answer.bytes(asOf) }
  }

  /** The plans the principal may see, from the catalogue read model (caught up first: read-your-writes). */
  async list(principal: Principal): Promise<PlanSummary[]> {
    await this.runner.waitFor(await this.store.headPosition(), CATCH_UP_MS)
    const visible = planVisibility(principal)
    return listPlans(this.readModels)
      .filter(visible)
      .map(({ id, partnership, year, title, version }) => ({ id, partnership, year, title, version }))
  }

  /** The plan's events, after checking that it exists and the principal may see it. */
  async events(planId: string, principal: Principal): Promise<RecordedPlanEvent[]> {
    await this.requireVisible(planId, principal)
    const stored = await this.store.readStream(planStreamId(planId))
    if (stored.length === 0) throw new NotFoundError('plan', planId)
    return stored.map(fromStored)
  }

  /** The plan state with each action's suggested RAG for the read's date (suggestedRags.ts). */
  async state(planId: string, principal: Principal, options: { asOf?: string; effectiveOn?: string }): Promise<PlanRead> {
    await this.requireVisible(planId, principal)
    const now = this.clock().toISOString()
    const asOf = options.asOf === undefined ? null : new Date(options.asOf).toISOString()
    return withSuggestedRags(await this.foldFromSnapshot(planId, asOf, options.effectiveOn ?? readDate(asOf, now), now))
  }

  /** foldAt, for a plan that must exist by then. */
  private async foldFromSnapshot(planId: string, asOf: string | null, effectiveOn: string, now: string): Promise<PlanState> {
    const state = await this.foldAt(planId, asOf, effectiveOn, now)
    if (!state) throw new NotFoundError('plan', planId)
    return state
  }

  /** The plan state folded from its nearest snapshot (planSnapshots.ts), finished with the read's asOf and effectiveOn; null before the plan. */
  private async foldAt(planId: string, asOf: string | null, effectiveOn: string, now: string): Promise<PlanState | null> {
    const { state, lastRecordedAt } = await foldFromSnapshot(this.store, this.readModels, planId, { asOf, effectiveOn })
    if (!state) return null
    // As recorded now: never before the latest recording, as `asOf` below.
    state.asOf = asOf ?? (lastRecordedAt !== null && lastRecordedAt > now ? lastRecordedAt : now)
    state.effectiveOn = effectiveOn
    return state
  }

  /**
   * The plan at `to` against the plan at `from`, each effective on `effectiveOn` when given,
   * else on its own instant's date (as a plain read at that instant would be). Each side is an
   * as-of read, folded from its nearest snapshot: the cost does not grow with the history before.
   */
  async changes(planId: string, principal: Principal, options: { from: string; to: string; effectiveOn?: string }): Promise<PlanChanges> {
    await this.requireVisible(planId, principal)
    const from = new Date(options.from).toISOString()
    const to = new Date(options.to).toISOString()
    const now = this.clock().toISOString()
    const before = await this.foldAt(planId, from, options.effectiveOn ?? readDate(from, now), now)
    const after = await this.foldAt(planId, to, options.effectiveOn ?? readDate(to, now), now)
    // Neither instant shows the plan: it may not exist at all, or only not yet.
    if (!before && !after && (await this.store.streamVersion(planStreamId(planId))) === 0) throw new NotFoundError('plan', planId)
    return planChanges(before, after, { from, to })
  }

  async report(planId: string, principal: Principal, options: { quarter: QuarterNumber; asOf?: string }): Promise<QuarterlyReport> {
    return (await this.versionedReport(planId, principal, options)).report
  }

  /** The report folded from the plan's events, with the plan's version as of the report's `asOf`. */
  async versionedReport(planId: string, principal: Principal, options: { quarter: QuarterNumber; asOf?: string }): Promise<{ report: QuarterlyReport; version: number }> {
    if (!isQuarterNumber(options.quarter)) throw new RangeError(`quarter must be 1, 2, 3 or 4, got ${String(options.quarter)}`)
    await this.requireVisible(planId, principal)
    const year = await planYear(this.store, this.readModels, planId)
    if (year === null) throw new NotFoundError('plan', planId)
    const asOf = options.asOf === undefined ? null : new Date(options.asOf).toISOString()
    const state = await this.foldFromSnapshot(planId, asOf, planQuarter(year, options.quarter).to, this.clock().toISOString())
    return { report: reportFromState(state, options.quarter), version: state.version }
  }

  /**
   * One page of the plan's history, read through the stream's index on position (version): only
   * the page is read, however long the history before it. Filtered by action, the stream is read
   * on in chunks from `after` until the page is full or the stream ends.
   */
  async history(planId: string, principal: Principal, options: { actionId?: string; after?: number; limit?: number }): Promise<HistoryPage> {
    await this.requireVisible(planId, principal)
    const stream = planStreamId(planId)
    const after = options.after ?? 0
    const limit = historyLimit(options.limit)
    const events: RecordedPlanEvent[] = []
    // One more than the page: whether a next page exists.
    for (let from = after + 1; events.length <= limit; ) {
      const size = options.actionId === undefined ? limit + 1 - events.length : HISTORY_SCAN_CHUNK
      const chunk = await this.store.readStream(stream, { fromVersion: from, limit: size })
      for (const stored of chunk) {
        const recorded = fromStored(stored)
        if (options.actionId === undefined || (recorded.event.data as { actionId?: string }).actionId === options.actionId) events.push(recorded)
      }
      if (chunk.length < size) break
      from = chunk[chunk.length - 1].version + 1
    }
    if (events.length === 0 && (await this.store.streamVersion(stream)) === 0) throw new NotFoundError('plan', planId)
    return historyPage(events, { ...options, limit })
  }

  /**
   * Throws NotFoundError unless the principal may see the plan. Answered from the plan catalogue
   * (PlanAccess), never by folding the plan's history: a plan the principal may not see costs the
   * same whatever its length. Those who see every plan pass; a plan that does not exist is then
   * their 404 from the read itself.
   */
  private async requireVisible(planId: string, principal: Principal): Promise<void> {
    if (seesEveryPlan(principal)) return
    await this.access.requireVisible(planId, principal)
  }

  /**
   * Only admins, commissioners and auditors reach this (route roles), and they see every plan.
   * The plan catalogue's entry is the chain head's second witness (checkStreamIntegrity).
   */
  async integrity(planId: string): Promise<IntegrityVerdict> {
    const witness = this.readModels.get<CatalogueEntry>(PLANS_COLLECTION, planId)
    if (!witness && (await this.store.streamVersion(planStreamId(planId))) === 0) throw new NotFoundError('plan', planId)
    const verdict = await checkStreamIntegrity(this.store, planStreamId(planId), witness && { version: witness.version, hash: witness.headHash })
    return withSignOffChecks(verdict, await this.readableEvents(planId))
  }

  /** The plan's events, or null when one cannot be read back (the chain check reports where). */
  private async readableEvents(planId: string): Promise<RecordedPlanEvent[] | null> {
    try {
      return (await this.store.readStream(planStreamId(planId))).map(fromStored)
    } catch {
      return null
    }
  }
}

/** The chain's verdict and each sign-off's replay. */
export interface IntegrityVerdict extends ChainVerdict {
  signoffs: SignOffCheck[]
}

/**
 * Adds each sign-off's check to the chain's verdict: a sign-off whose report no longer replays
 * to the hash signed makes the plan fail, at the sign-off's position when the chain itself held.
 */
export function withSignOffChecks(verdict: ChainVerdict, events: RecordedPlanEvent[] | null): IntegrityVerdict {
  const signoffs = events ? checkSignOffs(events) : []
  const bad = signoffs.find(s => !s.ok)
  if (!bad || !verdict.ok) return { ...verdict, signoffs }
  return { ...verdict, ok: false, firstBadPosition: bad.position, detail: bad.detail, signoffs }
}
