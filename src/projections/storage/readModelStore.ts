// Read models: a small document store (collection, key → JSON document) plus one checkpoint
// per projection. Two implementations share one transactional layer (overlay.ts,
// committedReadModels.ts):
//   - SQLite (sqliteReadModels.ts): tables `read_models` and `projection_checkpoints` in the SAME
//     database as the events, so a projection's documents and its checkpoint commit in one transaction;
//   - memory (memoryReadModels.ts): for the memory and EventStoreDB stores (rebuilt from the events at start).
//
// Writes go through an overlay of working copies; nothing reaches the backing store until the
// overlay commits, all at once. Outside a transaction, every `get` returns a fresh copy, so no
// reader can change what is stored. Inside one, `get` returns the transaction's working copy
// (the same object each time): a projection may change it in place and `put` it back.

export interface ReadModelStore {
  get<T = unknown>(collection: string, key: string): T | undefined
  put(collection: string, key: string, doc: unknown): void
  delete(collection: string, key: string): void
  /** Every document of a collection, in key order. */
  list<T = unknown>(collection: string): T[]
  /** Position a projection has applied up to (0 when never run or cleared). */
  checkpoint(name: string): number
  setCheckpoint(name: string, position: number): void
  /** Runs `fn` (synchronous) so that all its writes commit together, or none when it throws. */
  transaction<T>(fn: (tx: ReadModelStore) => T): T
  /** Drops collections and checkpoints. */
  clear(collections: string[], checkpoints?: string[]): void
  /**
   * Writes held in memory (across awaits) until `commit()` writes them in one transaction;
   * reads through it see them. What a rebuild uses, so readers never see a half-built model.
   */
  staged(): StagedReadModels
}

export interface StagedReadModels extends ReadModelStore {
  commit(): void
}
