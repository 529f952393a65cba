// A plan's events as an export file (format.ts), streamed from the store a page at a time:
// memory stays flat however long the plan's history is. The export covers the plan as it was
// when it began; events recorded meanwhile are left for the next export.
import type { EventStore } from '../../store/eventStore.js'
import type { ChainHeads } from '../signing/chainHeads.js'
import { EXPORT_FORMAT, exportedEvent, type ExportHeader } from './format.js'

/** Events read from the store per page. */
export const EXPORT_PAGE = 500

export class PlanExports {
  constructor(private readonly store: EventStore, private readonly heads: ChainHeads, private readonly clock: () => Date) {}

  /** The plan's export, line by line (each ends with a newline); NotFoundError before the first when there is no such plan. */
  async lines(planId: string): Promise<AsyncGenerator<string>> {
    const signedHead = await this.heads.sign(planId)
    const { signer } = this.heads
    const header: ExportHeader = {
      kind: 'export', format: EXPORT_FORMAT, planId, streamId: signedHead.streamId, exportedAt: this.clock().toISOString(),
      events: signedHead.version, head: signedHead.head, publicKey: signer.publicKeyPem, keyId: signer.keyId, signedHead,
    }
    return lines(this.store, header.streamId, header)
  }
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
