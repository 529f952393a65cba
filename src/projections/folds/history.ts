// The audit history of a plan: one entry per event, oldest first, nothing folded or
// deduplicated. Position is the event's place in the plan's own stream (its version).
import { effectiveDateOf, type PlanEventType } from '../../domain/events.js'
import type { ActorRef } from './planState.js'
import { planIdOfStream } from '../../domain/planStream.js'
import type { RecordedPlanEvent } from '../recordedEvent.js'

export interface HistoryEntry {
  position: number
  type: PlanEventType
  recordedAt: string
  effectiveDate?: string
  actor: ActorRef
  planId: string
  gridId?: string
  objectiveId?: string
  actionId?: string
  data: Record<string, unknown>
}

export interface HistoryPage {
  items: HistoryEntry[]
  /** Pass as `after` for the next page; present only when more entries follow. */
  next?: number
}

export interface HistoryOptions {
  /** Only events about this action. */
  actionId?: string
  /** Only events at positions after this one. */
  after?: number
  /** Page size: default 100, at most 1000. */
  limit?: number
}

export const HISTORY_DEFAULT_LIMIT = 100
export const HISTORY_MAX_LIMIT = 1000

export function historyEntry(recorded: RecordedPlanEvent): HistoryEntry {
  const data = recorded.event.data as unknown as Record<string, unknown>
  const effectiveDate = effectiveDateOf(recorded.event)
  const id = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined)
  const gridId = id('gridId')
  const objectiveId = id('objectiveId')
  const actionId = id('actionId')
  // Keys in the order the contract lists them; optional ones only when the event has them.
  return {
    position: recorded.version,
    type: recorded.event.type,
    recordedAt: recorded.recordedAt,
    ...(effectiveDate !== null ? { effectiveDate } : {}),
    actor: { tokenId: recorded.actor.tokenId ?? null, role: recorded.actor.role, label: recorded.actor.label ?? null },
    planId: id('planId') ?? planIdOfStream(recorded.streamId),
    ...(gridId !== undefined ? { gridId } : {}),
    ...(objectiveId !== undefined ? { objectiveId } : {}),
    ...(actionId !== undefined ? { actionId } : {}),
    data,
  }
}

/** The page size a request asks for, within 1 and HISTORY_MAX_LIMIT (HISTORY_DEFAULT_LIMIT when not given). */
export function historyLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return HISTORY_DEFAULT_LIMIT
  return Math.min(HISTORY_MAX_LIMIT, Math.max(1, Math.floor(limit)))
}

/** One page of a plan's history (events in stream order). */
export function historyPage(events: Iterable<RecordedPlanEvent>, options: HistoryOptions = {}): HistoryPage {
  const after = options.after ?? 0
  const limit = historyLimit(options.limit)
  const items: HistoryEntry[] = []
  let more = false
  for (const recorded of events) {
    if (recorded.version <= after) continue
    if (options.actionId !== undefined && (recorded.event.data as { actionId?: string }).actionId !== options.actionId) continue
    if (items.length === limit) {
      more = true
      break
    }
    items.push(historyEntry(recorded))
  }
  return more ? { items, next: items[items.length - 1].position } : { items }
}
