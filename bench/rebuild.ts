// Projection rebuild, events/s: `rebuildReadModels` (what `gridledger rebuild` runs) over a
// store of ~200k plan events, against iterating the same stored events with JSON.parse only
// (raw SQL over the events table, parsing data and metadata). Each run in its own process.
//
//   node --import tsx bench/rebuild.ts                       build a store, compare
//   node --import tsx bench/rebuild.ts --part=parse|readAll|rebuild --db=PATH
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { sqliteBackend } from '../src/app/backends.js'
import { rebuildReadModels } from '../src/app/gridledger.js'
import { openSqliteEventStore } from '../src/store/sqliteEventStore.js'
import { profileArgs } from './appends.js'
import { arg, emitResult, fmt, isMain, log, median, runPart, tempDir, type BenchResult } from './lib.js'
import { benchPlanId, cachedStore, copyOfStore, storeNote, type StoreSpec } from './storeCache.js'

const PLANS = Number(arg('plans') ?? process.env.BENCH_REBUILD_PLANS ?? 200)
const EVENTS_PER_PLAN = 1000
const PAGE = 1000

interface PartResult {
  events: number
  ms: number
  perSecond: number
}

function parseOnly(path: string): PartResult {
  const db = new Database(path, { readonly: true })
  const t0 = performance.now()
  let events = 0
  let sink = 0
  for (const row of db.prepare('SELECT data, metadata FROM events ORDER BY position').iterate() as Iterable<{ data: string; metadata: string }>) {
    const data = JSON.parse(row.data) as Record<string, unknown>
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>
    if (data && metadata) sink++
    events++
  }
  const ms = performance.now() - t0
  db.close()
  if (sink !== events) throw new Error('parse')
  return { events, ms, perSecond: (events / ms) * 1000 }
}

async function readAllOnly(path: string): Promise<PartResult> {
  const store = openSqliteEventStore(path)
  const t0 = performance.now()
  let events = 0
  let after = 0
  for (;;) {
    const page = await store.readAll({ after, limit: PAGE })
    if (page.length === 0) break
    events += page.length
    after = page[page.length - 1].position
  }
  const ms = performance.now() - t0
  await store.close()
  return { events, ms, perSecond: (events / ms) * 1000 }
}

async function rebuild(path: string): Promise<PartResult> {
  const store = openSqliteEventStore(path)
  const events = await store.headPosition()
  const t0 = performance.now()
  await rebuildReadModels(sqliteBackend(store))
  const ms = performance.now() - t0
  await store.close()
  return { events, ms, perSecond: (events / ms) * 1000 }
}

/** The store this bench rebuilds (a copy of it: the rebuild writes): `npm run bench:prepare` builds it ahead. */
export function rebuildStore(): StoreSpec {
  const name = `rebuild-${PLANS}x${EVENTS_PER_PLAN}`
  return { name, plans: Array.from({ length: PLANS }, (_, i) => ({ planId: benchPlanId(name, i), events: EVENTS_PER_PLAN })) }
}

async function compare(): Promise<BenchResult> {
  const dir = tempDir('rebuild')
  const file = new URL(import.meta.url).pathname
  try {
    const kept = await cachedStore(rebuildStore())
    // The rebuild writes read models into the store's own file: it works on a copy.
    const db = copyOfStore(kept, join(dir.path, 'rebuild.db'))
    const total = kept.events
    const parse: PartResult[] = []
    const rebuilds: PartResult[] = []
    for (let i = 0; i < 3; i++) {
      log(`rebuild: JSON.parse-only iteration, run ${i + 1}/3`)
      parse.push(await runPart<PartResult>(file, ['--part=parse', `--db=${db}`]))
      log(`rebuild: rebuildReadModels, run ${i + 1}/3`)
      rebuilds.push(await runPart<PartResult>(file, ['--part=rebuild', `--db=${db}`], { nodeArgs: profileArgs('rebuild') }))
    }
    log('rebuild: readAll pages only, one run')
    const readAll = await runPart<PartResult>(file, ['--part=readAll', `--db=${db}`])
    const base = median(parse.map(p => p.perSecond))
    const ours = median(rebuilds.map(r => r.perSecond))
    const ratio = ours / base
    return {
      rows: [
        {
          measure: 'projection rebuild, events/s',
          baseline: `iterating the stored events with JSON.parse only: ${fmt(base)} events/s`,
          ours: `${fmt(ours)} events/s (${fmt(median(rebuilds.map(r => r.ms)) / 1000, 1)} s for ${fmt(total)} events)`,
          ratio,
          goal: '≥ 0.50',
          met: ratio >= 0.5,
          notes: [
            `${fmt(total)} events in ${PLANS} plans of ${EVENTS_PER_PLAN} (20 actions each; 80% progress reports, 20% RAG ratings after the structure), written through the SQLite adapter in appends of 10 events in the order they were recorded across plans (16 appends at once): interleaved. ${storeNote(kept)} Statistic: the median of 3 interleaved runs on each side, each run in its own process (every run on the same copy: a rebuild drops the read models and writes them again).`,
            `Baseline: one SELECT data, metadata FROM events ORDER BY position, JSON.parse of both columns per row (${parse.map(p => fmt(p.perSecond)).join(', ')} events/s). Rebuild: rebuildReadModels(store), i.e. readAll pages of 1000 through the adapter, every projection (plan catalogue with each plan's current state, tokens) into staged read models, one commit (${rebuilds.map(r => fmt(r.perSecond)).join(', ')} events/s).`,
            `For scale: reading all events through the adapter's readAll pages and doing nothing else runs at ${fmt(readAll.perSecond)} events/s.`,
          ],
        },
      ],
      raw: { total, store: kept, parse, rebuilds, readAll },
    }
  } finally {
    dir.remove()
  }
}

if (isMain(import.meta.url)) {
  const part = arg('part')
  const db = arg('db')
  if (part && !db) throw new Error('--db=PATH is required with --part')
  if (part === 'parse') emitResult(parseOnly(db!))
  else if (part === 'readAll') emitResult(await readAllOnly(db!))
  else if (part === 'rebuild') emitResult(await rebuild(db!))
  else emitResult(await compare())
}
