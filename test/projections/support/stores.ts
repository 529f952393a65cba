// Event stores with their read models, as the application pairs them, for runner tests.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryReadModels } from '../../../src/projections/storage/memoryReadModels.js'
import type { ReadModelStore } from '../../../src/projections/storage/readModelStore.js'
import { createSqliteReadModels } from '../../../src/projections/storage/sqliteReadModels.js'
import type { EventStore, ReadStreamOptions, StoredEvent } from '../../../src/store/eventStore.js'
import { createMemoryEventStore } from '../../../src/store/memoryEventStore.js'
import { openSqliteEventStore } from '../../../src/store/sqliteEventStore.js'
import { toNewEvent, type PlanScript } from './planScript.js'
import type { RandomPlan, TimedStep } from './randomPlans.js'

export interface Opened {
  store: EventStore
  readModels: ReadModelStore
}

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'gridledger-proj-')), 'events.db')
}

export function openSqlite(path: string): Opened {
  const store = openSqliteEventStore(path)
  return { store, readModels: createSqliteReadModels(store.db) }
}

export function openMemory(): Opened {
  return { store: createMemoryEventStore(), readModels: createMemoryReadModels() }
}

/** Appends a script's events not yet in the store, one append per recording instant (as commands would). */
export async function appendScript(store: EventStore, script: PlanScript): Promise<number> {
  let version = await store.streamVersion(script.streamId)
  let position = 0
  const todo = script.events.filter(e => e.version > version)
  while (todo.length) {
    const batch = [todo.shift()!]
    while (todo.length && todo[0].recordedAt === batch[0].recordedAt && batch.length < 5) batch.push(todo.shift()!)
    const result = await store.append(script.streamId, batch.map(toNewEvent), { expectedVersion: version })
    version = result.version
    position = result.position
  }
  return position
}

/** A memory store that counts the events its readStream hands out (reads that must not grow with a history). */
export function countingStore(): { store: EventStore; read: () => number } {
  const inner = createMemoryEventStore()
  let read = 0
  const store: EventStore = Object.create(inner) as EventStore
  store.readStream = async (streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> => {
    const events = await inner.readStream(streamId, options)
    read += events.length
    return events
  }
  return { store, read: () => read }
}

/**
 * Two random plans' steps applied side by side and appended in turns every `every` steps, as
 * real traffic interleaves plans; `between` runs after each turn (a test may let a runner catch up).
 */
export async function appendInterleaved(
  store: EventStore,
  [one, two]: [RandomPlan, RandomPlan],
  [a, b]: [TimedStep[], TimedStep[]],
  every: number,
  between: (step: number) => Promise<void> = async () => {},
): Promise<void> {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) one.apply(a[i])
    if (i < b.length) two.apply(b[i])
    if (i % every === every - 1) {
      await appendScript(store, one.script)
      await appendScript(store, two.script)
      await between(i)
    }
  }
  await appendScript(store, one.script)
  await appendScript(store, two.script)
}
