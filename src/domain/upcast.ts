// Upcasting: stored events keep the shape they were written in; readers see the current
// shape. Each entry maps (type, fromVersion) to a function producing version fromVersion+1.
// Nothing here rewrites storage.
import { PLAN_EVENT_VERSIONS, isPlanEventType, type PlanEvent } from './events.js'

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>

/**
 * Registered upcasters, keyed "Type@fromVersion". All events are at version 1 today; the
 * first schema change adds its step here, e.g. 'ProgressReported@1': d => ({ ...d, newField: null }).
 */
export const UPCASTERS: Record<string, Upcaster> = {}

export class UnknownEventError extends Error {
  constructor(readonly type: string, readonly schemaVersion: number) {
    super(`cannot read event ${type} v${schemaVersion}: no such type or no upcaster to v${PLAN_EVENT_VERSIONS[type as keyof typeof PLAN_EVENT_VERSIONS] ?? '?'}`)
    this.name = 'UnknownEventError'
  }
}

/** Brings a stored (type, schemaVersion, data) up to the current schema. */
export function upcast(type: string, schemaVersion: number, data: unknown, upcasters: Record<string, Upcaster> = UPCASTERS): PlanEvent {
  if (!isPlanEventType(type)) throw new UnknownEventError(type, schemaVersion)
  const target = PLAN_EVENT_VERSIONS[type]
  let version = schemaVersion
  let current = data as Record<string, unknown>
  while (version < target) {
    const step = upcasters[`${type}@${version}`]
    if (!step) throw new UnknownEventError(type, schemaVersion)
    current = step(current)
    version++
  }
  if (version !== target) throw new UnknownEventError(type, schemaVersion)
  return { type, data: current } as unknown as PlanEvent
}
