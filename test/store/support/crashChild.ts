// Child process for crash.test.ts: opens the SQLite store at argv[2] and appends forever from
// several concurrent writers (so group commits batch several appends), writing each
// acknowledged event id to stdout the moment its append resolves. The parent SIGKILLs it.
// stdout lines: "ready", then "<event id>" per acknowledged event.
import { randomUUID } from 'node:crypto'
import { writeSync } from 'node:fs'
import { openSqliteEventStore, type SqliteEventStore } from '../../../src/store/sqliteEventStore.js'

const WRITERS = 8
const path = process.argv[2]
// Without a path (e.g. `tap test/store` picking up every file) there is nothing to do.
if (path) await main(path)

async function main(path: string): Promise<void> {
  const store = openSqliteEventStore(path)
  writeSync(1, 'ready\n')
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(store, w)))
}

async function writer(store: SqliteEventStore, w: number): Promise<void> {
  const streamId = `crash-${w}`
  let version = await store.streamVersion(streamId)
  for (let n = 0; ; n++) {
    const batch = randomUUID()
    const size = 1 + (n % 3)
    const events = Array.from({ length: size }, (_, i) => ({
      id: randomUUID(),
      type: 'CrashTested',
      schemaVersion: 1,
      data: { batch, size, i, writer: w, text: '£'.repeat(1 + (n % 50)) },
      metadata: { pid: process.pid },
      recordedAt: new Date().toISOString(),
    }))
    const result = await store.append(streamId, events, { expectedVersion: version })
    version = result.version
    // Synchronous write: once this returns the ids are in the pipe, whatever happens next.
    writeSync(1, events.map(e => e.id).join('\n') + '\n')
  }
}
