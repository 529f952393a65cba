// Read models in memory, for the memory and EventStoreDB stores (rebuilt from the events at start).
import { CommittedReadModels, serialise } from './committedReadModels.js'
import type { Changes } from './overlay.js'
import type { ReadModelStore } from './readModelStore.js'

class MemoryReadModels extends CommittedReadModels {
  private readonly collections = new Map<string, Map<string, string>>()
  private readonly checkpoints = new Map<string, number>()

  getDoc(collection: string, key: string): unknown {
    const json = this.collections.get(collection)?.get(key)
    return json === undefined ? undefined : JSON.parse(json)
  }

  listKeys(collection: string): string[] {
    return [...(this.collections.get(collection)?.keys() ?? [])].sort()
  }

  protected listDocs(collection: string): unknown[] {
    const docs = this.collections.get(collection)
    return this.listKeys(collection).map(key => JSON.parse(docs!.get(key)!))
  }

  getCheckpoint(name: string): number {
    return this.checkpoints.get(name) ?? 0
  }

  applyChanges(changes: Changes): void {
    const rows = serialise(changes)
    for (const c of changes.clearedCollections) this.collections.delete(c)
    for (const n of changes.clearedCheckpoints) this.checkpoints.delete(n)
    for (const [collection, key, json] of rows) {
      let docs = this.collections.get(collection)
      if (!docs) this.collections.set(collection, (docs = new Map()))
      if (json === null) docs.delete(key)
      else docs.set(key, json)
    }
    for (const [name, position] of changes.checkpoints) this.checkpoints.set(name, position)
  }

  protected atomically<T>(fn: () => T): T {
    // Single-threaded and synchronous: nothing interleaves; an overlay that throws never commits.
    return fn()
  }
}

export function createMemoryReadModels(): ReadModelStore {
  return new MemoryReadModels()
}
