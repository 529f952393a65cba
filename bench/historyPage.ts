// History page (limit=100) at the end of a plan with 1,000,000 events against the first page of
// the same plan: PlanQueries.history (what GET /v1/plans/{id}/history?after=&limit= runs) reads
// only the page through the stream's version index, so the last page should cost what the first
// does. Each side in its own process, alternated three times; the statistic on both sides is the
// median of the runs' median read times.
//
//   node --import tsx bench/historyPage.ts                                          build, compare
//   node --import tsx bench/historyPage.ts --part=read --db=PATH --plan=ID --after=N  time pages
import { sqliteBackend } from '../src/app/backends.js'
import { PlanQueries } from '../src/app/planQueries.js'
import type { ProjectionRunner } from '../src/projections/readModels/runner.js'
import { openSqliteEventStore } from '../src/store/sqliteEventStore.js'
import { profileArgs } from './appends.js'
import { arg, emitResult, fmt, isMain, log, median, quantile, runPart, type BenchResult } from './lib.js'
import { BENCH_PRINCIPAL } from './storeBuilder.js'
import { cachedStore, onePlanStore, storeNote } from './storeCache.js'

const PLAN_EVENTS = Number(process.env.BENCH_HISTORY_EVENTS ?? 1_000_000)
const LIMIT = 100
const READS = 300
const ROUNDS = 3

interface PageResult {
  after: number
  items: number
  medianMs: number
  p99Ms: number
}

async function timePages(path: string, planId: string, after: number): Promise<PageResult> {
  const store = openSqliteEventStore(path)
  const runner: ProjectionRunner = { waitFor: async () => true, position: () => 0, lastError: () => null, close: async () => undefined }
  const plans = new PlanQueries(store, sqliteBackend(store).readModels, runner, () => new Date('2009-06-01T00:00:00.000Z'))
  let items = 0
  for (let i = 0; i < 20; i++) items = (await plans.history(planId, BENCH_PRINCIPAL, { after, limit: LIMIT })).items.length
  const times: number[] = []
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now()
    await plans.history(planId, BENCH_PRINCIPAL, { after, limit: LIMIT })
    times.push(performance.now() - t0)
  }
  await store.close()
  return { after, items, medianMs: median(times), p99Ms: quantile(times, 0.99) }
}

/** The store this bench reads: `npm run bench:prepare` builds it ahead. */
export function historyStore() {
  return onePlanStore(PLAN_EVENTS)
}

async function compare(): Promise<BenchResult> {
  const file = new URL(import.meta.url).pathname
  const spec = historyStore()
  const built = await cachedStore(spec)
  const db = built.path
  const planId = spec.plans[0].planId
  const end = PLAN_EVENTS - LIMIT
  const first: PageResult[] = []
  const final: PageResult[] = []
  for (let i = 0; i < ROUNDS; i++) {
    log(`history: first page, run ${i + 1}/${ROUNDS}`)
    first.push(await runPart<PageResult>(file, ['--part=read', `--db=${db}`, `--plan=${planId}`, '--after=0']))
    log(`history: last page, run ${i + 1}/${ROUNDS}`)
    final.push(await runPart<PageResult>(file, ['--part=read', `--db=${db}`, `--plan=${planId}`, `--after=${end}`], { nodeArgs: profileArgs('history-last') }))
  }
  const base = median(first.map(r => r.medianMs))
  const ours = median(final.map(r => r.medianMs))
  const ratio = ours / base
  return {
    rows: [
      {
        measure: `history page (limit=${LIMIT}) at the end of a ${fmt(PLAN_EVENTS)}-event plan`,
        baseline: `the first page of the same plan: ${fmt(base, 2)} ms`,
        ours: `${fmt(ours, 2)} ms (p99 ${fmt(Math.max(...final.map(r => r.p99Ms)), 2)} ms)`,
        ratio,
        goal: '≤ 1.5',
        met: ratio <= 1.5 && final.every(r => r.items === LIMIT),
        notes: [
          `Statistic: the median of ${ROUNDS} runs' median page times on each side (${READS} pages per run after 20 warm-up pages), each run in its own process, the sides alternated; ratio = last / first (lower is better). Pages of ${final[0]?.items ?? 0} and ${first[0]?.items ?? 0} entries.`,
          `First page: ${first.map(r => `median ${fmt(r.medianMs, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms`).join('; ')}. Last page (after=${fmt(end)}): ${final.map(r => `median ${fmt(r.medianMs, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms`).join('; ')}.`,
          `The plan (20 actions; structure, then progress reports and RAG ratings) written through the SQLite adapter in appends of 500; the read is PlanQueries.history without the HTTP layer. ${storeNote(built)}`,
        ],
      },
    ],
    raw: { first, final, store: built },
  }
}

if (isMain(import.meta.url)) {
  if (arg('part') === 'read') emitResult(await timePages(arg('db')!, arg('plan')!, Number(arg('after') ?? 0)))
  else emitResult(await compare())
}
