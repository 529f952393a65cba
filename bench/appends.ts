// Durable appends/s: our SQLite store with 64 concurrent writers appending one event each, in a
// closed loop, against raw better-sqlite3 inserts of the same rows, 100 per transaction, in WAL
// mode with synchronous=FULL (every commit synced, as ours). Each side runs in its own child
// process, interleaved three times; the medians of the three runs are compared. Like for like:
// both sides checkpoint the WAL at the same size, ours (4,000 pages) in the first row and
// SQLite's default (1,000 pages) in the second.
//
//   node --import tsx bench/appends.ts                     the comparison (prints BENCH_RESULT)
//   node --import tsx bench/appends.ts --part=raw [--checkpoint-pages=N]   one raw run
//   node --import tsx bench/appends.ts --part=ours [--mode=loop|rounds] [--checkpoint-pages=N]
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { MIGRATIONS, openSqliteEventStore } from '../src/store/sqliteEventStore.js'
import { drive, progressEvent, WRITERS, type Mode, type WorkloadResult } from './appendWorkload.js'
import { arg, emitResult, fmt, isMain, log, median, ROOT, runPart, tempDir, type BenchResult } from './lib.js'

const SECONDS = Number(arg('seconds') ?? process.env.BENCH_APPEND_SECONDS ?? 5)
const RAW_BATCH = 100
export const SQLITE_DEFAULT_CHECKPOINT_PAGES = 1000
/** Our store's own WAL checkpoint size (sqliteEventStore.ts, DEFAULT_CHECKPOINT_PAGES). */
export const OUR_CHECKPOINT_PAGES = 4000
export const ROUNDS = 3

export interface RawResult {
  rows: number
  seconds: number
  perSecond: number
  transactions: number
}

/** Raw inserts: the events table of our schema, 100 rows per transaction, WAL + synchronous=FULL. */
export function rawInserts(seconds: number, perTransaction = RAW_BATCH, checkpointPages = OUR_CHECKPOINT_PAGES): RawResult {
  const dir = tempDir('raw')
  try {
    const db = new Database(join(dir.path, 'raw.db'))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    // The same checkpoint size as the store it is compared with.
    db.pragma(`wal_autocheckpoint = ${checkpointPages}`)
    db.pragma(`journal_size_limit = ${checkpointPages * 4096 * 2}`)
    db.exec(MIGRATIONS[0].sql)
    const insert = db.prepare(
      `INSERT INTO events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at, hash, prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    const versions = new Array<number>(WRITERS).fill(0)
    const hash = createHash('sha256').update('raw').digest('hex')
    const batch = db.transaction((n0: number) => {
      for (let i = 0; i < perTransaction; i++) {
        const n = n0 + i
        const w = n % WRITERS
        const e = progressEvent(w, n)
        insert.run(`plan-bench-${w}`, ++versions[w], e.id, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), e.recordedAt, hash, hash)
      }
    })
    let rows = 0
    let transactions = 0
    const start = performance.now()
    const deadline = start + seconds * 1000
    while (performance.now() < deadline) {
      batch(rows)
      rows += perTransaction
      transactions++
    }
    const elapsed = (performance.now() - start) / 1000
    const check = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n
    if (check !== rows) throw new Error(`raw: ${check} rows stored, ${rows} inserted`)
    db.close()
    return { rows, seconds: elapsed, perSecond: rows / elapsed, transactions }
  } finally {
    dir.remove()
  }
}

export interface OursResult extends WorkloadResult {
  commits: number
  largestBatch: number
}

/** Our store: WRITERS writers, each appending one event at a time to its own stream. */
export async function oursAppends(mode: Mode, seconds: number, checkpointPages?: number): Promise<OursResult> {
  const dir = tempDir('ours')
  const store = openSqliteEventStore(join(dir.path, 'ours.db'), checkpointPages ? { checkpointPages } : {})
  try {
    const result = await drive(mode, seconds, async (w, n) => {
      await store.append(`plan-bench-${w}`, [progressEvent(w, n)], { expectedVersion: n })
    })
    const stored = await store.headPosition()
    if (stored !== result.events) throw new Error(`ours: ${stored} events stored, ${result.events} acknowledged`)
    return { ...result, commits: store.stats.commits, largestBatch: store.stats.largestBatch }
  } finally {
    await store.close()
    dir.remove()
  }
}

async function compare(): Promise<BenchResult> {
  const file = new URL(import.meta.url).pathname
  const series = (pages: number) => ({ pages, raws: [] as RawResult[], ours: [] as OursResult[] })
  const sides = [series(OUR_CHECKPOINT_PAGES), series(SQLITE_DEFAULT_CHECKPOINT_PAGES)]
  for (let i = 0; i < ROUNDS; i++) {
    for (const side of sides) {
      log(`appends: raw run ${i + 1}/${ROUNDS}, checkpoints every ${side.pages} pages (${SECONDS} s)`)
      side.raws.push(await runPart<RawResult>(file, ['--part=raw', `--seconds=${SECONDS}`, `--checkpoint-pages=${side.pages}`]))
      log(`appends: ours run ${i + 1}/${ROUNDS}, checkpoints every ${side.pages} pages (${SECONDS} s, ${WRITERS} writers)`)
      side.ours.push(
        await runPart<OursResult>(file, ['--part=ours', '--mode=loop', `--seconds=${SECONDS}`, `--checkpoint-pages=${side.pages}`], {
          nodeArgs: side.pages === OUR_CHECKPOINT_PAGES ? profileArgs('appends-ours') : [],
        }),
      )
    }
  }
  return {
    rows: sides.map(({ pages, raws, ours }) => {
      const raw = median(raws.map(r => r.perSecond))
      const our = median(ours.map(r => r.perSecond))
      const mid = ours.slice().sort((a, b) => a.perSecond - b.perSecond)[Math.floor(ours.length / 2)]
      const ratio = our / raw
      const setting = pages === OUR_CHECKPOINT_PAGES ? `both checkpointing every ${pages} pages (ours by default)` : `both checkpointing every ${pages} pages (SQLite's default)`
      return {
        measure: `durable appends/s, ${WRITERS} concurrent writers, 1 event each; ${setting}`,
        baseline: `raw better-sqlite3 inserts, ${RAW_BATCH}/txn, WAL, synchronous=FULL: ${fmt(raw)} rows/s`,
        ours: `${fmt(our)} events/s (p99 ${fmt(mid.p99Ms, 1)} ms)`,
        ratio,
        goal: '≥ 0.80',
        met: ratio >= 0.8,
        notes: [
          `Statistic: the median of ${ROUNDS} interleaved ${SECONDS} s runs on each side, each run in its own process. Raw: ${raws.map(r => fmt(r.perSecond)).join(', ')} rows/s. Ours: ${ours.map(r => fmt(r.perSecond)).join(', ')} events/s.`,
          `Like for like: the raw baseline sets wal_autocheckpoint (and journal_size_limit) to the same ${pages} pages as ours.`,
          `Ours groups concurrent appends into one transaction (group commit, at most 32 appends each) and syncs each commit by an fdatasync of the WAL on libuv's thread pool (synchronous=NORMAL plus that fdatasync is the sync synchronous=FULL makes inside COMMIT), so one batch commits while the previous one syncs; every acknowledgement follows the fdatasync that covers its commit. ${fmt(mid.commits)} commits for ${fmt(mid.events)} events in the median run, largest batch ${mid.largestBatch}. Append latency p50 ${fmt(mid.p50Ms, 2)} ms, p99 ${fmt(mid.p99Ms, 2)} ms.`,
          `Both write the same events table (our schema: unique event id, unique stream+version) with the same JSON; ours also computes the sha256 hash chain and checks the expected version per append (event ids are looked up only when an insert meets a taken one), in a savepoint when an append has several events or an idempotency record.`,
        ],
      }
    }),
    raw: Object.fromEntries(sides.map(side => [`checkpoint${side.pages}`, { raw: side.raws, ours: side.ours }])),
  }
}

/** --cpu-prof for a part when BENCH_PROFILE names it (or is "all"). */
export function profileArgs(name: string): string[] {
  const wanted = process.env.BENCH_PROFILE
  if (!wanted || (wanted !== 'all' && !wanted.split(',').includes(name))) return []
  // One directory per part: V8 names the files itself (pid and thread), as tsx's loader thread writes one too.
  return ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR ?? `${ROOT}bench/profiles`}/${name}`]
}

if (isMain(import.meta.url)) {
  const part = arg('part')
  if (part === 'raw') emitResult(rawInserts(SECONDS, Number(arg('per-transaction') ?? RAW_BATCH), Number(arg('checkpoint-pages') ?? OUR_CHECKPOINT_PAGES)))
  else if (part === 'ours') emitResult(await oursAppends((arg('mode') as Mode | undefined) ?? 'loop', SECONDS, arg('checkpoint-pages') ? Number(arg('checkpoint-pages')) : undefined))
  else emitResult(await compare())
}
