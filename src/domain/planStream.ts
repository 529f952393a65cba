// Where a plan's events live: one stream per plan, named from the plan's id. The command
// handler, the importer, the queries and the projections all name streams through here.
export const PLAN_STREAM_PREFIX = 'plan-'

export function planStreamId(planId: string): string {
  return `${PLAN_STREAM_PREFIX}${planId}`
}

export function isPlanStream(streamId: string): boolean {
  return streamId.startsWith(PLAN_STREAM_PREFIX)
}

/** The plan id a plan stream is named from. */
export function planIdOfStream(streamId: string): string {
  return streamId.slice(PLAN_STREAM_PREFIX.length)
}
