// Runs tasks one at a time per key, in call order: a waiting room per key. No one ever loops on
// a promise: each caller awaits the one before it exactly once, and the last one out removes
// the key's entry in the same synchronous step that lets the next caller in, so a settled entry
// is never left behind for a newcomer to find.
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>()

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key)
    let release!: () => void
    const mine = new Promise<void>(resolve => (release = resolve))
    // Our turn comes when the previous holder releases; a newcomer queues behind our release.
    const tail = previous ? previous.then(() => mine) : mine
    this.tails.set(key, tail)
    if (previous) await previous
    try {
      return await task()
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key)
      release()
    }
  }

  /** Keys with a task running or waiting (for tests and metrics). */
  get size(): number {
    return this.tails.size
  }
}
