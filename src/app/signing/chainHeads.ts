// Signing plans' chain heads with the server's key: at every sign-off (the head the report was
// folded from), in every export (the head it ends at), and on demand (GET …/head). The key is
// opened at first use (the server opens it at start; CLI commands that sign nothing never do).
import { NotFoundError } from '../../domain/errors.js'
import { planStreamId } from '../../domain/planStream.js'
import type { EventStore } from '../../store/eventStore.js'
import type { Clock } from '../clock.js'
import type { HeadSigner, SignedHead } from './signedHead.js'

export class ChainHeads {
  private opened: HeadSigner | null = null

  constructor(private readonly store: EventStore, private readonly clock: Clock, private readonly open: () => HeadSigner) {}

  get signer(): HeadSigner {
    this.opened ??= this.open()
    return this.opened
  }

  /** The plan's head at `version` (default: its latest), signed now. */
  async sign(planId: string, version?: number): Promise<SignedHead> {
    const streamId = planStreamId(planId)
    const at = version ?? (await this.store.streamVersion(streamId))
    const [event] = at > 0 ? await this.store.readStream(streamId, { fromVersion: at, toVersion: at }) : []
    if (!event) throw new NotFoundError('plan', planId)
    return this.signer.sign({ planId, streamId, version: at, head: event.hash }, this.clock())
  }
}
