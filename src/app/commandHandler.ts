// The one place commands are executed: load the plan's decision state, decide, append with
// the expected version. Concurrent commands on one plan are pipelined: each decides on the
// state including the events of the commands queued before it, and appends with the version
// that implies, so a burst of writers to one plan shares a group commit instead of retrying
// each other. Any failed append discards the cached state; the next command reloads it.
import type { Principal } from '../domain/actor.js'
import type { PlanCommand } from '../domain/commands.js'
import { DomainError } from '../domain/errors.js'
import { PLAN_EVENT_VERSIONS, type PlanEvent } from '../domain/events.js'
import { copyState, decideCommand, evolve, initialState, type DecideContext, type PlanDecisionState } from '../domain/planDecider.js'
import { londonDate } from '../domain/values/calendarDate.js'
import { planStreamId } from '../domain/planStream.js'
import { fromStored } from '../projections/recordedEvent.js'
import { VersionConflictError, type AppendResult, type EventStore, type IdempotencyRecord, type NewEvent } from '../store/eventStore.js'
import { AppendQuota, type DailyAppends } from './appendQuota.js'
import type { Clock } from './clock.js'
import { ContentionError, PreconditionFailedError } from './errors.js'
import { newId } from './ids.js'

export interface CommandOutcome {
  planId: string
  /** The events decided (ids, data, recordedAt); empty when the command changed nothing. */
  events: NewEvent[]
  /** Plan version after the command. */
  version: number
  recordedAt: string
}

export interface ExecuteOptions {
  principal: Principal
  /** From If-Match: the plan must be at exactly this version. */
  expectedVersion?: number
  /** Idempotency-Key (already scoped to the caller): event ids derive from it and the answer is stored with the events. */
  idempotency?: { key: string; fingerprint: string; respond(outcome: CommandOutcome): unknown }
  /** Extra metadata on every event (e.g. import source). */
  metadata?: Record<string, unknown>
}

export interface ExecuteResult extends CommandOutcome {
  position: number
  append: AppendResult | null
}

interface PlanCache {
  state: PlanDecisionState
  /** Version including appends in flight. */
  version: number
  lastRecordedAt: string | null
  /** Events each token appended on the plan's latest day, for the append quota. */
  appends: DailyAppends
  /** Serialises deciding (not committing) per plan. */
  deciding: Promise<void>
}

const MAX_ATTEMPTS = 8
const MAX_CACHED_PLANS = 1000

export class CommandHandler {
  private readonly cache = new Map<string, PlanCache>()

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly quota: AppendQuota = new AppendQuota(),
  ) {}

  /** Executes one command. */
  execute(planId: string, command: PlanCommand, options: ExecuteOptions): Promise<ExecuteResult> {
    return this.executeBatch(planId, [command], options)
  }

  /**
   * Executes commands in order as ONE atomic append (all or nothing): used by the importer so
   * a document becomes a plan completely or not at all.
   */
  async executeBatch(planId: string, commands: PlanCommand[], options: ExecuteOptions): Promise<ExecuteResult> {
    const attempts = options.expectedVersion === undefined ? MAX_ATTEMPTS : 2
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(planId, commands, options, attempt > 1)
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error
        this.discard(planId, this.cache.get(planId))
        if (options.expectedVersion !== undefined) {
          // The store moved past our cache; with If-Match only a real mismatch is a 412.
          const actual = await this.store.streamVersion(planStreamId(planId))
          if (actual !== options.expectedVersion || attempt >= attempts) throw new PreconditionFailedError(options.expectedVersion, actual)
          continue
        }
        if (attempt >= attempts) throw new ContentionError(planId)
      }
    }
  }

  private async attempt(planId: string, commands: PlanCommand[], options: ExecuteOptions, reload: boolean): Promise<ExecuteResult> {
    const streamId = planStreamId(planId)
    const entry = await this.entry(planId, reload)
    // Take the plan's decide slot: decisions are made one at a time, in arrival order.
    let release!: () => void
    const previous = entry.deciding
    entry.deciding = new Promise<void>(r => (release = r))
    await previous
    let appending: Promise<AppendResult>
    let outcome: CommandOutcome
    try {
      if (options.expectedVersion !== undefined && options.expectedVersion !== entry.version) {
        const actual = await this.store.streamVersion(streamId)
        throw actual === entry.version ? new PreconditionFailedError(options.expectedVersion, actual) : new VersionConflictError(streamId, entry.version, actual)
      }
      const now = this.clock().toISOString()
      const recordedAt = entry.lastRecordedAt && entry.lastRecordedAt > now ? entry.lastRecordedAt : now
      const ctx = { actor: options.principal, today: londonDate(recordedAt) }
      // Decide every command against a scratch copy so a rejection leaves the cache untouched.
      const decided = decideAll(commands, entry.state, ctx)
      const { tokenId, role, label } = options.principal
      const metadata = { actor: { tokenId, role, label }, ...(options.metadata ?? {}) }
      const events: NewEvent[] = decided.map(e => ({
        // Random, also under an Idempotency-Key: an id derived from a key could meet the events of
        // an earlier use of that key once its record is pruned. Stores recognise a retry by the key.
        id: newId(),
        type: e.type,
        schemaVersion: PLAN_EVENT_VERSIONS[e.type],
        data: e.data as unknown as Record<string, unknown>,
        metadata,
        recordedAt,
      }))
      outcome = { planId, events, version: entry.version + events.length, recordedAt }
      if (events.length === 0) {
        return { ...outcome, position: 0, append: null }
      }
      this.quota.take(entry.appends, tokenId, events.length, recordedAt)
      const idempotency: IdempotencyRecord | undefined = options.idempotency && {
        key: options.idempotency.key,
        fingerprint: options.idempotency.fingerprint,
        response: options.idempotency.respond(outcome),
      }
      appending = this.store.append(streamId, events, { expectedVersion: entry.version, idempotency })
      // Speculatively advance: the next command decides on top of ours.
      for (const e of decided) evolve(entry.state, e)
      entry.version = outcome.version
      entry.lastRecordedAt = recordedAt
    } finally {
      release()
    }
    try {
      const append = await appending
      return { ...outcome, position: append.position, append }
    } catch (error) {
      // Drop our (now wrong) speculative state, unless a reload already replaced it.
      this.discard(planId, entry)
      throw error
    }
  }

  private async entry(planId: string, reload: boolean): Promise<PlanCache> {
    let entry = this.cache.get(planId)
    if (entry && !reload) {
      // Least-recently-used order.
      this.cache.delete(planId)
      this.cache.set(planId, entry)
      return entry
    }
    const stored = await this.store.readStream(planStreamId(planId))
    // A concurrent load may have installed an entry while we read: use it rather than fork the state.
    const existing = this.cache.get(planId)
    if (existing && existing !== entry && !reload) return existing
    const state = initialState()
    for (const e of stored) evolve(state, fromStored(e).event)
    entry = {
      state,
      version: stored.length,
      lastRecordedAt: stored.length ? stored[stored.length - 1].recordedAt : null,
      appends: this.quota.tally(stored),
      deciding: existing?.deciding ?? Promise.resolve(),
    }
    this.cache.set(planId, entry)
    if (this.cache.size > MAX_CACHED_PLANS) this.cache.delete(this.cache.keys().next().value as string)
    return entry
  }

  /** Forgets the plan's cached state if it is still `entry`; the next command reloads it. */
  private discard(planId: string, entry: PlanCache | undefined): void {
    if (entry && this.cache.get(planId) === entry) this.cache.delete(planId)
  }
}

/** Decides one command of a batch; a refusal says which one it was (a bulk request names the item). */
function decideItem(command: PlanCommand, index: number, state: PlanDecisionState, ctx: DecideContext): PlanEvent[] {
  try {
    return decideCommand(command, state, ctx)
  } catch (error) {
    if (error instanceof DomainError) error.commandIndex = index
    throw error
  }
}

/** Decides commands in sequence, each on the state the earlier ones produce, without touching `state`. */
function decideAll(commands: PlanCommand[], state: PlanDecisionState, ctx: DecideContext): PlanEvent[] {
  if (commands.length === 1) return decideItem(commands[0], 0, state, ctx)
  const scratch = copyState(state)
  const all: PlanEvent[] = []
  for (const [index, command] of commands.entries()) {
    const events = decideItem(command, index, scratch, ctx)
    for (const e of events) evolve(scratch, e)
    all.push(...events)
  }
  return all
}
