// Checking one stream's history against its hash chain, as the integrity route and
// `gridledger verify` do. An event that cannot even be read back is a finding at its position,
// not a failure of the check.
import { CorruptEventError, type EventStore } from './eventStore.js'
import { verifyChain, type ChainVerdict } from './hashChain.js'

export async function checkStreamIntegrity(store: EventStore, streamId: string): Promise<ChainVerdict> {
  try {
    return verifyChain(streamId, await store.readStream(streamId))
  } catch (error) {
    if (!(error instanceof CorruptEventError)) throw error
    // Everything before the unreadable event can still be checked; the first fault wins.
    const before = verifyChain(streamId, await store.readStream(streamId, { toVersion: error.version - 1 }))
    if (!before.ok) return { ...before, events: await store.streamVersion(streamId) }
    return { ok: false, events: await store.streamVersion(streamId), head: before.head, firstBadPosition: error.version, detail: error.message }
  }
}
