// The live feed (GET /v1/feed): every history entry a principal may see, in the store's global
// order, from a position on and then as it is recorded. The position is the store's own, so a
// client that resumes from the last one it received (Last-Event-ID) misses nothing and gets
// nothing twice, across server restarts. Delivery waits for the consumer (backpressure).
import type { Principal } from '../../domain/actor.js'
import { isPlanStream, planIdOfStream } from '../../domain/planStream.js'
import { ownerKey } from '../../domain/values/owners.js'
import { planVisibility } from '../../domain/visibility.js'
import { historyEntry, type HistoryEntry } from '../../projections/folds/history.js'
import { getCatalogueEntry } from '../../projections/readModels/planCatalogue.js'
import type { ProjectionRunner } from '../../projections/readModels/runner.js'
import type { ReadModelStore } from '../../projections/storage/readModelStore.js'
import { fromStored } from '../../projections/recordedEvent.js'
import type { EventStore, Subscription } from '../../store/eventStore.js'

/** How long visibility waits for the plan catalogue to reach an event before judging it anyway. */
const CATCH_UP_MS = 2_000

export interface FeedHandlers {
  /** One entry the principal may see, with its global position; awaited before the next. */
  onEntry(position: number, entry: HistoryEntry): void | Promise<void>
  /** Everything stored when following began has been delivered. */
  onCaughtUp?(): void
  onError(error: unknown): void
}

export class Feed {
  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly runner: ProjectionRunner,
  ) {}

  /**
   * Follows the store from after `after`. Admins, commissioners and auditors get every entry of
   * every plan they may see; a provider gets the entries about actions one of its labels owns
   * (as the plan stands when the entry is delivered) in plans it may see.
   */
  follow(principal: Principal, after: number, handlers: FeedHandlers): Subscription {
    const visible = planVisibility(principal)
    const mine = principal.role === 'provider' ? new Set(principal.owners.map(ownerKey)) : null
    return this.store.subscribe({
      after,
      onEvent: async stored => {
        if (!isPlanStream(stored.streamId)) return
        // Visibility is read from the plan catalogue: let it catch up with this event first.
        await this.runner.waitFor(stored.position, CATCH_UP_MS)
        const plan = getCatalogueEntry(this.readModels, planIdOfStream(stored.streamId))
        if (!plan || !visible(plan)) return
        const entry = historyEntry(fromStored(stored))
        if (mine) {
          const action = entry.actionId ? findAction(plan.state, entry.actionId) : undefined
          if (!action || !action.owners.some(owner => mine.has(ownerKey(owner)))) return
        }
        await handlers.onEntry(stored.position, entry)
      },
      onCaughtUp: handlers.onCaughtUp,
      onError: handlers.onError,
    })
  }
}

type PlanStateLike = { grids: Array<{ objectives: Array<{ actions: Array<{ id: string; owners: string[] }> }> }> }

function findAction(state: PlanStateLike, actionId: string): { owners: string[] } | undefined {
  for (const grid of state.grids) for (const objective of grid.objectives) for (const action of objective.actions) if (action.id === actionId) return action
  return undefined
}
