// A stored plan event as the read side sees it: upcast to the current schema, with the
// facts the store and the command handler recorded around it.
import type { Actor } from '../domain/actor.js'
import type { PlanEvent } from '../domain/events.js'
import { upcast } from '../domain/upcast.js'
import type { StoredEvent } from '../store/eventStore.js'

export interface RecordedPlanEvent {
  id: string
  streamId: string
  /** Position in the plan's own history (1-based stream version): what history and integrity call "position". */
  version: number
  /** Global store position (projection checkpoints). */
  position: number
  recordedAt: string
  actor: Actor
  metadata: Record<string, unknown>
  event: PlanEvent
}

const UNKNOWN_ACTOR: Actor = { tokenId: null, role: 'admin', label: 'unknown' }

export function fromStored(stored: StoredEvent): RecordedPlanEvent {
  return {
    id: stored.id,
    streamId: stored.streamId,
    version: stored.version,
    position: stored.position,
    recordedAt: stored.recordedAt,
    actor: (stored.metadata.actor as Actor | undefined) ?? UNKNOWN_ACTOR,
    metadata: stored.metadata,
    event: upcast(stored.type, stored.schemaVersion, stored.data),
  }
}
