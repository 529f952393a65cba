// What both backing stores share: reads parse stored JSON; every write is a one-off overlay
// committed atomically; serialise() turns an overlay's changes into rows.
import { DELETED, isPromise, Overlay, type Changes, type Layer } from './overlay.js'
import type { ReadModelStore, StagedReadModels } from './readModelStore.js'

/** A committed store: reads parse stored JSON; writes go through a one-off overlay. */
export abstract class CommittedReadModels implements ReadModelStore, Layer {
  abstract getDoc(collection: string, key: string): unknown
  abstract listKeys(collection: string): string[]
  abstract getCheckpoint(name: string): number
  abstract applyChanges(changes: Changes): void
  /** Runs fn atomically with respect to other writers. */
  protected abstract atomically<T>(fn: () => T): T
  /** All documents of a collection, parsed (one query where the backing can). */
  protected abstract listDocs(collection: string): unknown[]

  get<T = unknown>(collection: string, key: string): T | undefined {
    return this.getDoc(collection, key) as T | undefined
  }

  list<T = unknown>(collection: string): T[] {
    return this.listDocs(collection) as T[]
  }

  checkpoint(name: string): number {
    return this.getCheckpoint(name)
  }

  put(collection: string, key: string, doc: unknown): void {
    this.transaction(tx => tx.put(collection, key, doc))
  }

  delete(collection: string, key: string): void {
    this.transaction(tx => tx.delete(collection, key))
  }

  setCheckpoint(name: string, position: number): void {
    this.transaction(tx => tx.setCheckpoint(name, position))
  }

  clear(collections: string[], checkpoints: string[] = []): void {
    this.transaction(tx => tx.clear(collections, checkpoints))
  }

  transaction<T>(fn: (tx: ReadModelStore) => T): T {
    return this.atomically(() => {
      const overlay = new Overlay(this)
      const result = fn(overlay)
      if (isPromise(result)) throw new TypeError('read-model transactions are synchronous')
      overlay.commit()
      return result
    })
  }

  staged(): StagedReadModels {
    return new Overlay(this, commit => this.atomically(commit))
  }
}

/** Serialises every written document first, so a document that cannot be stored changes nothing. */
export function serialise(changes: Changes): Array<[string, string, string | null]> {
  const rows: Array<[string, string, string | null]> = []
  for (const [collection, docs] of changes.docs) {
    for (const [key, doc] of docs) {
      if (doc === DELETED) rows.push([collection, key, null])
      else {
        const json = JSON.stringify(doc)
        if (json === undefined) throw new TypeError(`read-model document ${collection}/${key} is not JSON`)
        rows.push([collection, key, json])
      }
    }
  }
  return rows
}
