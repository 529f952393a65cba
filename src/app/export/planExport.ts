// A plan's events as an export file (format.ts), streamed from the store a page at a time:
// memory stays flat however long the plan's history is. The export covers the plan as it was
// when it began; events recorded meanwhile are left for the next export.
import { NotFoundError } from '../../domain/errors.js'
import { planStreamId } from '../../domain/planStream.js'
import type { EventStore } from '../../store/eventStore.js'
import { EXPORT_FORMAT, exportedEvent, type ExportHeader } from './format.js'

/** Events read from the store per page. */
export const EXPORT_PAGE = 500

export class PlanExports {
  constructor(private readonly store: EventStore, private readonly clock: () => Date) {}

  /** The plan's export, line by line (each ends with a newline); NotFoundError before the first when there is no such plan. */
  lines(planId: string): Promise<AsyncGenerator<string>> {
    return planExportLines(this.store, planId, this.clock())
  }
}

/** Throws NotFoundError before the first line when the plan has no events. */
export async function planExportLines(store: EventStore, planId: string, now: Date): Promise<AsyncGenerator<string>> {
  const streamId = planStreamId(planId)
  const version = await store.streamVersion(streamId)
  if (version === 0) throw new NotFoundError('plan', planId)
  const [last] = await store.readStream(streamId, { fromVersion: version, toVersion: version })
  const header: ExportHeader = { kind: 'export', format: EXPORT_FORMAT, planId, streamId, exportedAt: now.toISOString(), events: version, head: last.hash }
  return lines(store, streamId, header)
}

async function* lines(store: EventStore, streamId: string, header: ExportHeader): AsyncGenerator<string> {
  yield JSON.stringify(header) + '\n'
  for (let from = 1; from <= header.events; from += EXPORT_PAGE) {
    const page = await store.readStream(streamId, { fromVersion: from, toVersion: Math.min(header.events, from + EXPORT_PAGE - 1) })
    // One chunk per page: fewer writes, and the page's objects go as soon as it is written.
    let chunk = ''
    for (const e of page) chunk += JSON.stringify(exportedEvent(e)) + '\n'
    yield chunk
  }
}
