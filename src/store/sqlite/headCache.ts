// Committed stream heads, so an append need not query its stream's last event. Valid while no
// other connection writes: each batch passes PRAGMA data_version (which moves only for other
// connections' commits), read inside its write transaction, and the cache is dropped when it
// moved. Heads a batch writes are held apart until the batch commits.

/** A stream's last event: what the next append chains from. */
export interface Head {
  version: number
  hash: string
  position: number
}

/** Past this many heads the cache is dropped and refilled from reads. */
const MAX_CACHED_HEADS = 100_000

export class HeadCache {
  private readonly heads = new Map<string, Head>()
  private dataVersion: number | null = null
  /** Heads written (or read) by the batch in progress; merged into `heads` once it commits. */
  private readonly batch = new Map<string, Head>()

  /** A write transaction begins; `dataVersion` is the connection's PRAGMA data_version inside it. */
  beginBatch(dataVersion: number): void {
    this.batch.clear()
    if (dataVersion !== this.dataVersion || this.heads.size > MAX_CACHED_HEADS) {
      this.heads.clear()
      this.dataVersion = dataVersion
    }
  }

  /** The stream's last event: written earlier in this batch, cached from an earlier one, or read. */
  headOf(streamId: string, read: (streamId: string) => Head | undefined): Head | undefined {
    const known = this.batch.get(streamId) ?? this.heads.get(streamId)
    if (known) return known
    const row = read(streamId)
    if (row) this.batch.set(streamId, row)
    return row
  }

  /** The batch in progress wrote this head. */
  wrote(streamId: string, head: Head): void {
    this.batch.set(streamId, head)
  }

  /** The batch committed: its heads are the stream heads now. */
  commitBatch(): void {
    for (const [streamId, head] of this.batch) this.heads.set(streamId, head)
    this.batch.clear()
  }

  /** The batch rolled back: nothing cached can be trusted. */
  dropAll(): void {
    this.heads.clear()
    this.batch.clear()
  }
}
