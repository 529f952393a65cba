// The peer under the append workload: @event-driven-io/emmett-sqlite (sqlite3 package), the
// same events as bench/appendWorkload.ts, 64 writers each appending one event to its own stream.
// Plain JavaScript so it resolves its packages from bench/peer/node_modules.
//
//   node bench/peer/appends.mjs --config=shared|per-operation --mode=rounds|loop --seconds=5
//
// config
//   per-operation  getSQLiteEventStore({fileName}): its default, a new connection per operation
//   shared         getSQLiteEventStore({fileName, connectionOptions: {singleton: true, connection}})
//                  one sqliteConnection shared by every append
// Prints `BENCH_RESULT <json>` with acknowledged appends, failures, and how many events a
// second connection could see committed when the time was up (before the final commit).
import { getSQLiteEventStore, sqliteConnection } from '@event-driven-io/emmett-sqlite'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sqlite3 from 'sqlite3'

const arg = (name, fallback) => process.argv.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const config = arg('config', 'shared')
const mode = arg('mode', 'rounds')
const seconds = Number(arg('seconds', '5'))
const WRITERS = Number(arg('writers', '64'))

function progressEvent(writer, n) {
  return {
    type: 'ProgressReported',
    data: {
      planId: `bench-plan-${writer}`,
      gridId: '6f1f2b7e-3c1a-4d57-9a55-2b7f0c1d9e01',
      objectiveId: '0b7c9d55-1e2a-4f0b-8d3c-5a6e7f809102',
      actionId: `a-${writer}`,
      effectiveDate: '2008-09-30',
      status: 'in_progress',
      percentComplete: n % 101,
      note: `Writer ${writer} report ${n}: two more staff trained in naloxone administration this month; rota agreed with CNWL.`,
      furtherAction: 'Review training numbers at the next monitoring meeting',
    },
    metadata: { id: randomUUID(), actor: { tokenId: 'b3c1d2e4-0000-4000-8000-000000000001', role: 'provider', label: 'CNWL' }, recordedAt: new Date().toISOString() },
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gridledger-bench-peer-'))
const fileName = join(dir, 'peer.db')
let shared = null
const options = { fileName }
if (config === 'shared') {
  shared = sqliteConnection({ fileName })
  options.connectionOptions = { singleton: true, connection: shared }
}
const store = getSQLiteEventStore(options)

// emmett's connection logs errors with console.log; keep stdout for the result line.
const quiet = console.log
console.log = (...a) => process.stderr.write(`${a.map(String).join(' ')}\n`)

// Create the schema (first append), then set and read back the durability settings.
await store.appendToStream('warmup-0', [progressEvent(0, 0)])
let synchronous = null
let journalMode = null
if (shared) {
  await shared.command('PRAGMA synchronous = FULL')
  synchronous = (await shared.querySingle('PRAGMA synchronous'))?.synchronous ?? null
  journalMode = (await shared.querySingle('PRAGMA journal_mode'))?.journal_mode ?? null
}

const probe = new sqlite3.Database(fileName, sqlite3.OPEN_READONLY)
const committed = () => new Promise((resolve, reject) => probe.get('SELECT COUNT(*) AS n FROM emt_messages', (err, row) => (err ? reject(err) : resolve(row.n - 1))))
if (synchronous === null) synchronous = await new Promise(r => probe.get('PRAGMA synchronous', (e, row) => r(row?.synchronous ?? null)))

const latencies = []
const errors = {}
let failures = 0
const counters = new Array(WRITERS).fill(0)
const one = async w => {
  const t0 = performance.now()
  try {
    await store.appendToStream(`bench-${w}`, [progressEvent(w, counters[w])])
    counters[w]++
    latencies.push(performance.now() - t0)
  } catch (error) {
    failures++
    const key = error?.code ?? error?.name ?? 'error'
    errors[key] = (errors[key] ?? 0) + 1
  }
}
const start = performance.now()
const deadline = start + seconds * 1000
let committedAtDeadline = null
const atDeadline = setTimeout(async () => {
  committedAtDeadline = await committed().catch(e => `probe failed: ${e.message}`)
}, seconds * 1000)
if (mode === 'loop') {
  await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
    while (performance.now() < deadline) await one(w)
  }))
} else {
  while (performance.now() < deadline) await Promise.all(Array.from({ length: WRITERS }, (_, w) => one(w)))
}
const elapsed = (performance.now() - start) / 1000
clearTimeout(atDeadline)
if (committedAtDeadline === null) committedAtDeadline = await committed()
const committedAtEnd = await committed()
latencies.sort((a, b) => a - b)
const q = p => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))] ?? null
console.log = quiet
process.stdout.write(
  `BENCH_RESULT ${JSON.stringify({
    config,
    mode,
    writers: WRITERS,
    events: latencies.length,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    failures,
    errors,
    committedAtDeadline,
    committedAtEnd,
    synchronous,
    journalMode,
  })}\n`,
)
probe.close()
await store.close?.()
shared?.close()
rmSync(dir, { recursive: true, force: true })
process.exit(0)
