// Checking one stream's history against its hash chain, as the integrity route and
// `gridledger verify` do. An event that cannot even be read back is a finding at its position,
// not a failure of the check.
import { CorruptEventError, type EventStore } from './eventStore.js'
import { verifyChain, type ChainVerdict } from './hashChain.js'

/** What another record (the plan catalogue) saw of the stream: how many events, and the last one's hash. */
export interface HeadWitness {
  version: number
  hash?: string
}

/**
 * Checks the stream's chain, then, when it holds, the chain against a witness of its head: a
 * stream shorter than the witness saw has lost its last events; an event whose hash differs
 * from the one the witness recorded means the history up to it was rewritten and re-chained.
 */
export async function checkStreamIntegrity(store: EventStore, streamId: string, witness?: HeadWitness): Promise<ChainVerdict> {
  const verdict = await checkChain(store, streamId)
  if (!verdict.ok || !witness) return verdict
  if (witness.version > verdict.events) {
    const missing = verdict.events + 1 === witness.version ? `event ${witness.version} is` : `events ${verdict.events + 1} to ${witness.version} are`
    return { ok: false, events: verdict.events, head: verdict.head, firstBadPosition: verdict.events + 1, detail: `${missing} missing: the plan catalogue applied ${witness.version} events, the stream now ends at ${verdict.events}` }
  }
  if (witness.hash !== undefined && witness.version > 0) {
    const hash = witness.version === verdict.events ? verdict.head : (await store.readStream(streamId, { fromVersion: witness.version, toVersion: witness.version }))[0]?.hash
    if (hash !== witness.hash) {
      return { ...verdict, ok: false, firstBadPosition: witness.version, detail: `event ${witness.version} is not the event the plan catalogue applied (its hash differs): history up to it was rewritten and re-chained` }
    }
  }
  return verdict
}

async function checkChain(store: EventStore, streamId: string): Promise<ChainVerdict> {
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
