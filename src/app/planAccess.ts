// Whether a principal may address a plan at all, answered before anything else about a request
// to it (its role check, headers, query or body): a plan the caller may not see and a plan that
// does not exist are one and the same 404, so nothing about the plan leaks through a 412, a 403,
// a 409 or a validation error. Answered from the plan catalogue read model; a plan it does not
// show (yet) is looked for once more after catching up with the store, so a plan created or an
// owner assigned a moment ago is seen (read-your-writes). What visibility reads of an entry (its
// partnership and owner labels) is kept until the runner applies an event of the plan that can
// change it (or restarts): one catalogue read per plan and change of owners, not one per request.
// Another process's change is seen once this process's runner has its events.
import { LRUCache } from 'lru-cache'
import type { Principal } from '../domain/actor.js'
import { NotFoundError } from '../domain/errors.js'
import { isPlanStream, planIdOfStream } from '../domain/planStream.js'
import { maySeePlan } from '../domain/visibility.js'
import { changesPlanScope, PLANS_COLLECTION, type CatalogueEntry } from '../projections/readModels/planCatalogue.js'
import type { ProjectionRunner } from '../projections/readModels/runner.js'
import type { ReadModelStore } from '../projections/storage/readModelStore.js'
import type { EventStore } from '../store/eventStore.js'

const CATCH_UP_MS = 2_000
/** Catalogue entries kept (the least recently used dropped first). */
const KEPT_ENTRIES = 4096

export class PlanAccess {
  /** Null when the runner cannot say what changed: then nothing is kept. */
  private readonly entries: LRUCache<string, CatalogueEntry> | null

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly runner: ProjectionRunner,
  ) {
    const entries = new LRUCache<string, CatalogueEntry>({ max: KEPT_ENTRIES })
    this.entries = runner.onApplied ? entries : null
    runner.onApplied?.(events => {
      if (events === null) return entries.clear()
      for (const e of events) if (isPlanStream(e.streamId) && changesPlanScope(e.type)) entries.delete(planIdOfStream(e.streamId))
    })
  }

  /** Throws NotFoundError('plan') unless the plan exists and the principal may see it. */
  async requireVisible(planId: string, principal: Principal): Promise<void> {
    if (this.visible(planId, principal)) return
    await this.runner.waitFor(await this.store.headPosition(), CATCH_UP_MS)
    if (!this.visible(planId, principal)) throw new NotFoundError('plan', planId)
  }

  private visible(planId: string, principal: Principal): boolean {
    const entry = this.entry(planId)
    return entry !== undefined && maySeePlan(principal, entry)
  }

  private entry(planId: string): CatalogueEntry | undefined {
    const entries = this.entries
    const kept = entries?.get(planId)
    if (kept) return kept
    const entry = this.readModels.get<CatalogueEntry>(PLANS_COLLECTION, planId)
    if (entry === undefined || !entries) return entry
    entries.set(planId, entry)
    return entry
  }
}

