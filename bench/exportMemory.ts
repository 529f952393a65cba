// Peak memory of streaming a large plan out: the NDJSON export (GET …/export) and a history CSV
// page (GET …/history?format=csv) of one plan of 1,000,000 events against the same of one plan
// of 100,000 events. Each is measured in a fresh process (peak RSS, process.resourceUsage), so
// the ratio shows whether memory grows with the plan (it should not: the export reads 500
// events at a time, the history page only its page).
//
//   node --import tsx bench/exportMemory.ts                                                   build both stores, compare
//   node --import tsx bench/exportMemory.ts --part=measure --what=export|history --db=PATH --plan=ID
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { PlanExports } from '../src/app/export/planExport.js'
import { PlanQueries } from '../src/app/planQueries.js'
import { sqliteBackend } from '../src/app/backends.js'
import { ChainHeads } from '../src/app/signing/chainHeads.js'
import { openSigner } from '../src/app/signing/signingKey.js'
import { planStreamId } from '../src/domain/planStream.js'
import { historyCsv } from '../src/presentation/historyCsv.js'
import type { ProjectionRunner } from '../src/projections/readModels/runner.js'
import { openSqliteEventStore } from '../src/store/sqliteEventStore.js'
import { arg, emitResult, fmt, isMain, log, runPart, type BenchResult } from './lib.js'
import { BENCH_PRINCIPAL } from './storeBuilder.js'
import { cachedStore, onePlanStore, storeNote } from './storeCache.js'

const SMALL = Number(process.env.BENCH_EXPORT_SMALL ?? 100_000)
const LARGE = Number(arg('large') ?? process.env.BENCH_EXPORT_LARGE ?? 1_000_000)
const HISTORY_PAGE = 1000

interface Measure {
  what: string
  events: number
  bytes: number
  ms: number
  /** Peak resident set size of the whole process, MiB. */
  peakRssMiB: number
  /** RSS once the store was open, before the export began, MiB. */
  openRssMiB: number
}

const mib = (bytes: number) => bytes / 1048576

async function measure(what: string, path: string, planId: string): Promise<Measure> {
  const store = openSqliteEventStore(path)
  const clock = () => new Date('2009-06-01T00:00:00.000Z')
  const events = await store.streamVersion(planStreamId(planId))
  const openRssMiB = mib(process.memoryUsage().rss)
  let bytes = 0
  const t0 = performance.now()
  const sink = createWriteStream('/dev/null')
  if (what === 'export') {
    const exports = new PlanExports(store, new ChainHeads(store, clock, () => openSigner({})), clock)
    const counted = async function* (lines: AsyncIterable<string>) {
      for await (const line of lines) {
        bytes += Buffer.byteLength(line)
        yield line
      }
    }
    await pipeline(Readable.from(counted(await exports.lines(planId))), sink)
  } else {
    const runner: ProjectionRunner = { waitFor: async () => true, position: () => 0, lastError: () => null, close: async () => undefined }
    const plans = new PlanQueries(store, sqliteBackend(store).readModels, runner, clock)
    // The last page: the one furthest into the stream.
    const page = await plans.history(planId, BENCH_PRINCIPAL, { after: events - HISTORY_PAGE, limit: HISTORY_PAGE })
    const csv = historyCsv(page.items)
    bytes = Buffer.byteLength(csv)
    await pipeline(Readable.from([csv]), sink)
  }
  const ms = performance.now() - t0
  await store.close()
  return { what, events, bytes, ms, peakRssMiB: process.resourceUsage().maxRSS / 1024, openRssMiB }
}

/** The stores this bench reads (the large one is the history page's): `npm run bench:prepare` builds them ahead. */
export function exportStores() {
  return { small: onePlanStore(SMALL), large: onePlanStore(LARGE) }
}

async function compare(): Promise<BenchResult> {
  const file = new URL(import.meta.url).pathname
  const specs = exportStores()
  const s = await cachedStore(specs.small)
  const l = await cachedStore(specs.large)
  const small = s.path
  const large = l.path
  const plan = { small: specs.small.plans[0].planId, large: specs.large.plans[0].planId }
  const runs: Record<string, { small: Measure; large: Measure }> = {}
  for (const what of ['export', 'history']) {
    log(`export: ${what} of the ${fmt(SMALL)}-event plan`)
    const sm = await runPart<Measure>(file, ['--part=measure', `--what=${what}`, `--db=${small}`, `--plan=${plan.small}`])
    log(`export: ${what} of the ${fmt(LARGE)}-event plan`)
    const lg = await runPart<Measure>(file, ['--part=measure', `--what=${what}`, `--db=${large}`, `--plan=${plan.large}`])
    runs[what] = { small: sm, large: lg }
  }
  const row = (what: string, measure: string, detail: (m: Measure) => string) => {
    const { small: sm, large: lg } = runs[what]
    const ratio = lg.peakRssMiB / sm.peakRssMiB
    return {
      measure,
      baseline: `the same for ${fmt(sm.events)} events: peak RSS ${fmt(sm.peakRssMiB, 1)} MiB`,
      ours: `peak RSS ${fmt(lg.peakRssMiB, 1)} MiB (${detail(lg)})`,
      ratio,
      goal: '≤ 1.5×',
      met: ratio <= 1.5,
      notes: [
        `${what}: ${fmt(sm.events)} events → ${fmt(mib(sm.bytes), 1)} MiB in ${fmt(sm.ms / 1000, 1)} s, peak RSS ${fmt(sm.peakRssMiB, 1)} MiB (${fmt(sm.openRssMiB, 1)} MiB with the store open); ${fmt(lg.events)} events → ${fmt(mib(lg.bytes), 1)} MiB in ${fmt(lg.ms / 1000, 1)} s, peak RSS ${fmt(lg.peakRssMiB, 1)} MiB (${fmt(lg.openRssMiB, 1)} MiB with the store open). Each in a fresh process; ratio = large / small peak RSS (lower is better).`,
      ],
    }
  }
  const rows = [
    row('export', `NDJSON export of a ${fmt(LARGE / 1e6, 1)}M-event plan`, m => `${fmt(mib(m.bytes))} MiB streamed in ${fmt(m.ms / 1000, 1)} s`),
    row('history', `history CSV page (last ${HISTORY_PAGE}) of a ${fmt(LARGE / 1e6, 1)}M-event plan`, m => `${fmt(m.ms, 0)} ms`),
  ]
  rows[0].notes.push(
    `The export is PlanExports.lines (what GET /v1/plans/{id}/export streams), piped to /dev/null with backpressure, without the HTTP layer; it reads the store 500 events at a time. One plan per SQLite store, written through the adapter (hash chain and all) in appends of 500. ${storeNote(s)} ${storeNote(l)}`,
  )
  return { rows, raw: { runs, stores: { small: s, large: l } } }
}

if (isMain(import.meta.url)) {
  if (arg('part') === 'measure') emitResult(await measure(arg('what')!, arg('db')!, arg('plan')!))
  else emitResult(await compare())
}
