// WAL sync bookkeeping for durability 'wal-fsync'. The connection runs WAL with
// synchronous=NORMAL, so COMMIT writes the WAL without syncing it; this fdatasyncs the WAL file
// on libuv's thread pool instead. That is the sync synchronous=FULL would make inside COMMIT
// (SQLite: "FULL: the WAL file is synchronized after each transaction is committed"), moved off
// the event loop, so requests are served while the disk works and the next batch can commit
// while the previous one syncs; one fdatasync covers every commit made before it started.
// A commit's callers are settled, and readers answered, only once it is synced. A failed
// fdatasync is not retried (after one, the kernel may have dropped the dirty pages): the store
// refuses further appends until it is reopened.
import { closeSync, existsSync, fdatasyncSync, openSync } from 'node:fs'
import { StoreUnavailableError } from '../eventStore.js'
import type { StoreObserver } from '../storeObserver.js'

export type SyncFile = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void

interface Unsynced {
  commit: number
  position: number
  settle(): void
  fail(error: unknown): void
}

export class WalSync {
  /** Commits made, and how many of them are known to be on disk. */
  private committed = 0
  private synced = 0
  /** Highest event position committed, and highest known to be on disk (every lower one is too). */
  private committedPosition = 0
  private durablePosition = 0
  private syncing = false
  private walFd: number | null = null
  private failure: StoreUnavailableError | null = null
  /** Batches committed but not yet synced, in commit order, with how to settle them. */
  private unsynced: Unsynced[] = []
  /** Readers waiting for a commit they saw to be synced. */
  private waiters: Array<{ commit: number; resolve(): void; reject(error: unknown): void }> = []

  constructor(
    private readonly walPath: string,
    private readonly syncFile: SyncFile,
    private readonly describe: (error: unknown) => string,
    private readonly observer?: StoreObserver,
  ) {}

  /** Set once an fdatasync failed: every later append and wait fails with it. */
  get syncFailure(): StoreUnavailableError | null {
    return this.failure
  }

  /** Everything committed so far is known to be on disk. */
  get allSynced(): boolean {
    return this.synced === this.committed
  }

  /** Every event at or below this position is on disk. */
  get durable(): number {
    return this.durablePosition
  }

  /**
   * What is stored when the store opens counts as durable: commits a previous process made but
   * had not synced when it died are visible now, so they are synced before anything is read.
   */
  syncAtOpen(headPosition: () => number): void {
    if (existsSync(this.walPath)) {
      const fd = openSync(this.walPath, 'r')
      try {
        fdatasyncSync(fd)
      } finally {
        closeSync(fd)
      }
    }
    this.committedPosition = this.durablePosition = headPosition()
  }

  /**
   * A batch committed (its highest written position is `position`, 0 when it wrote nothing):
   * `settle` runs once the commit is on disk, `fail` if the sync fails first.
   */
  committedBatch(position: number, settle: () => void, fail: (error: unknown) => void): void {
    this.committedPosition = Math.max(this.committedPosition, position)
    this.committed++
    this.unsynced.push({ commit: this.committed, position: this.committedPosition, settle, fail })
    this.syncWal()
  }

  /** Resolves once every commit made so far is on disk. */
  whenDurable(): Promise<void> {
    if (this.synced === this.committed) return Promise.resolve()
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => this.waiters.push({ commit: this.committed, resolve, reject }))
  }

  close(): void {
    if (this.walFd !== null) closeSync(this.walFd)
    this.walFd = null
  }

  /** Starts an fdatasync of the WAL covering every commit made so far, unless one is running (it starts the next when done). */
  private syncWal(): void {
    if (this.syncing || this.failure || this.synced === this.committed) return
    const target = this.committed
    let fd: number
    try {
      fd = this.walFd ??= openSync(this.walPath, 'r')
    } catch (error) {
      this.fail(error)
      return
    }
    this.syncing = true
    const started = this.observer?.synced ? performance.now() : 0
    this.syncFile(fd, error => {
      this.syncing = false
      if (error) return this.fail(error)
      if (started) this.observer!.synced!((performance.now() - started) / 1000)
      this.synced = target
      while (this.unsynced.length > 0 && this.unsynced[0].commit <= target) {
        const done = this.unsynced.shift()!
        this.durablePosition = done.position
        done.settle()
      }
      this.waiters = this.waiters.filter(w => (w.commit <= target ? (w.resolve(), false) : true))
      this.syncWal()
    })
  }

  /** After a failed fdatasync nothing committed since the last good one can be called durable. */
  private fail(cause: unknown): void {
    this.failure = new StoreUnavailableError(`event store could not make its commits durable (fdatasync of the WAL failed: ${this.describe(cause)}); reopen the store`, cause)
    for (const u of this.unsynced.splice(0)) u.fail(this.failure)
    for (const w of this.waiters.splice(0)) w.reject(this.failure)
  }
}
