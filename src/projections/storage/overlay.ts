// The overlay every read-model write goes through: working copies and changes held until
// commit() hands them, all at once, to the layer beneath (a committed store or another overlay).
import type { ReadModelStore, StagedReadModels } from './readModelStore.js'

export const DELETED: unique symbol = Symbol('deleted')

export interface Changes {
  clearedCollections: Set<string>
  clearedCheckpoints: Set<string>
  docs: Map<string, Map<string, unknown>>
  checkpoints: Map<string, number>
}

/** What an overlay reads through to and commits into. */
export interface Layer {
  /** A document the caller may keep and change (a fresh copy, or the layer's working copy). */
  getDoc(collection: string, key: string): unknown
  listKeys(collection: string): string[]
  getCheckpoint(name: string): number
  applyChanges(changes: Changes): void
}

export class Overlay implements StagedReadModels, Layer {
  private readonly docs = new Map<string, Map<string, unknown>>()
  /** Working copies read (not necessarily written). */
  private readonly working = new Map<string, Map<string, unknown>>()
  private readonly clearedCollections = new Set<string>()
  private readonly clearedCheckpoints = new Set<string>()
  private readonly checkpoints = new Map<string, number>()
  private done = false

  constructor(private readonly parent: Layer, private readonly onCommit: (commit: () => void) => void = c => c()) {}

  private live(): void {
    if (this.done) throw new Error('this read-model transaction has already ended')
  }

  /** For a nested overlay: a copy, so a child that rolls back leaves this overlay's working copies as they were. */
  getDoc(collection: string, key: string): unknown {
    const doc = this.resolve(collection, key)
    return doc === undefined ? undefined : JSON.parse(JSON.stringify(doc))
  }

  /** This overlay's working copy. */
  private resolve(collection: string, key: string): unknown {
    const written = this.docs.get(collection)
    if (written?.has(key)) {
      const doc = written.get(key)
      return doc === DELETED ? undefined : doc
    }
    if (this.clearedCollections.has(collection)) return undefined
    let cache = this.working.get(collection)
    if (cache?.has(key)) return cache.get(key)
    const doc = this.parent.getDoc(collection, key)
    if (!cache) this.working.set(collection, (cache = new Map()))
    cache.set(key, doc)
    return doc
  }

  listKeys(collection: string): string[] {
    const keys = new Set(this.clearedCollections.has(collection) ? [] : this.parent.listKeys(collection))
    for (const [key, doc] of this.docs.get(collection) ?? []) {
      if (doc === DELETED) keys.delete(key)
      else keys.add(key)
    }
    return [...keys].sort()
  }

  getCheckpoint(name: string): number {
    if (this.checkpoints.has(name)) return this.checkpoints.get(name)!
    if (this.clearedCheckpoints.has(name)) return 0
    return this.parent.getCheckpoint(name)
  }

  applyChanges(changes: Changes): void {
    for (const c of changes.clearedCollections) this.clearCollection(c)
    for (const n of changes.clearedCheckpoints) this.clearCheckpoint(n)
    for (const [collection, docs] of changes.docs) for (const [key, doc] of docs) this.write(collection, key, doc)
    for (const [name, position] of changes.checkpoints) this.checkpoints.set(name, position)
  }

  private write(collection: string, key: string, doc: unknown): void {
    let docs = this.docs.get(collection)
    if (!docs) this.docs.set(collection, (docs = new Map()))
    docs.set(key, doc)
    this.working.get(collection)?.delete(key)
  }

  private clearCollection(collection: string): void {
    this.clearedCollections.add(collection)
    this.docs.delete(collection)
    this.working.delete(collection)
  }

  private clearCheckpoint(name: string): void {
    this.clearedCheckpoints.add(name)
    this.checkpoints.delete(name)
  }

  get<T = unknown>(collection: string, key: string): T | undefined {
    this.live()
    return this.resolve(collection, key) as T | undefined
  }

  put(collection: string, key: string, doc: unknown): void {
    this.live()
    if (doc === undefined) throw new TypeError('a read-model document cannot be undefined (use delete)')
    this.write(collection, key, doc)
  }

  delete(collection: string, key: string): void {
    this.live()
    this.write(collection, key, DELETED)
  }

  list<T = unknown>(collection: string): T[] {
    this.live()
    return this.listKeys(collection).map(key => this.resolve(collection, key) as T)
  }

  checkpoint(name: string): number {
    this.live()
    return this.getCheckpoint(name)
  }

  setCheckpoint(name: string, position: number): void {
    this.live()
    if (!Number.isSafeInteger(position) || position < 0) throw new TypeError(`checkpoint position must be a non-negative integer, got ${position}`)
    this.checkpoints.set(name, position)
  }

  transaction<T>(fn: (tx: ReadModelStore) => T): T {
    this.live()
    const child = new Overlay(this)
    const result = fn(child)
    if (isPromise(result)) throw new TypeError('read-model transactions are synchronous')
    child.commit()
    return result
  }

  clear(collections: string[], checkpoints: string[] = []): void {
    this.live()
    for (const c of collections) this.clearCollection(c)
    for (const n of checkpoints) this.clearCheckpoint(n)
  }

  staged(): StagedReadModels {
    this.live()
    return new Overlay(this)
  }

  commit(): void {
    this.live()
    const changes: Changes = {
      clearedCollections: this.clearedCollections,
      clearedCheckpoints: this.clearedCheckpoints,
      docs: this.docs,
      checkpoints: this.checkpoints,
    }
    this.onCommit(() => this.parent.applyChanges(changes))
    this.done = true
  }
}

export function isPromise(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

