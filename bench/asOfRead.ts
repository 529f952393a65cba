// As-of plan read on a 1M-event store against the same read on a 10k-event store: one plan of
// the same size (1000 events) in both, read as recorded at an instant in the middle of its
// history. The read is PlanQueries.state (what GET /v1/plans/{id}?asOf= and ledger.plans.state
// run): it reads the plan's own stream and folds it, so its cost should not grow with the store.
//
//   node --import tsx bench/asOfRead.ts                                  build both stores, compare
//   node --import tsx bench/asOfRead.ts --part=read --db=PATH --plan=ID  time reads on one store
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { PlanQueries } from '../src/app/planQueries.js'
import { sqliteBackend } from '../src/app/backends.js'
import type { ProjectionRunner } from '../src/projections/readModels/runner.js'
import { openSqliteEventStore } from '../src/store/sqliteEventStore.js'
import { profileArgs } from './appends.js'
import { arg, emitResult, fmt, isMain, log, median, quantile, runPart, tempDir, type BenchResult } from './lib.js'
import { BENCH_PRINCIPAL, buildStore } from './storeBuilder.js'

const EVENTS_PER_PLAN = 1000
const SMALL_PLANS = 10
const LARGE_PLANS = Number(arg('large-plans') ?? process.env.BENCH_ASOF_LARGE_PLANS ?? 1000)
const READS = 200
const AS_OF = '2008-10-01T00:00:00.000Z'

interface ReadResult {
  storeEvents: number
  planVersion: number
  reads: number
  medianMs: number
  p99Ms: number
  meanMs: number
}

async function timeReads(path: string, planId: string): Promise<ReadResult> {
  const store = openSqliteEventStore(path)
  // PlanQueries.state touches neither the read models nor the runner; these stand in for them.
  const runner: ProjectionRunner = { waitFor: async () => true, position: () => 0, lastError: () => null, close: async () => undefined }
  const plans = new PlanQueries(store, sqliteBackend(store).readModels, runner, () => new Date('2009-06-01T00:00:00.000Z'))
  const storeEvents = await store.headPosition()
  let planVersion = 0
  for (let i = 0; i < 20; i++) planVersion = (await plans.state(planId, BENCH_PRINCIPAL, { asOf: AS_OF })).version
  const times: number[] = []
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now()
    await plans.state(planId, BENCH_PRINCIPAL, { asOf: AS_OF })
    times.push(performance.now() - t0)
  }
  await store.close()
  return { storeEvents, planVersion, reads: READS, medianMs: median(times), p99Ms: quantile(times, 0.99), meanMs: times.reduce((a, b) => a + b, 0) / times.length }
}

async function compare(): Promise<BenchResult> {
  const dir = tempDir('asof')
  const file = new URL(import.meta.url).pathname
  try {
    const small = join(dir.path, 'small.db')
    const large = join(dir.path, 'large.db')
    const smallPlans = Array.from({ length: SMALL_PLANS }, () => ({ planId: randomUUID(), events: EVENTS_PER_PLAN }))
    const largePlans = Array.from({ length: LARGE_PLANS }, () => ({ planId: randomUUID(), events: EVENTS_PER_PLAN }))
    log(`asOf: building the ${fmt(SMALL_PLANS * EVENTS_PER_PLAN)}-event store`)
    const s = await buildStore(small, smallPlans)
    await s.store.close()
    log(`asOf: building the ${fmt(LARGE_PLANS * EVENTS_PER_PLAN)}-event store`)
    let last = 0
    const l = await buildStore(large, largePlans, n => {
      if (n - last >= 100_000) {
        last = n
        log(`asOf:   ${fmt(n)} events`)
      }
    })
    await l.store.close()
    log(`asOf: built in ${fmt(s.ms / 1000, 1)} s and ${fmt(l.ms / 1000, 1)} s`)
    const smallPlan = smallPlans[Math.floor(SMALL_PLANS / 2)].planId
    const largePlan = largePlans[Math.floor(LARGE_PLANS / 2)].planId
    const smallRuns: ReadResult[] = []
    const largeRuns: ReadResult[] = []
    for (let i = 0; i < 2; i++) {
      log(`asOf: ${READS} reads on the small store, run ${i + 1}/2`)
      smallRuns.push(await runPart<ReadResult>(file, ['--part=read', `--db=${small}`, `--plan=${smallPlan}`]))
      log(`asOf: ${READS} reads on the large store, run ${i + 1}/2`)
      largeRuns.push(await runPart<ReadResult>(file, ['--part=read', `--db=${large}`, `--plan=${largePlan}`], { nodeArgs: profileArgs('asof-large') }))
    }
    const base = median(smallRuns.map(r => r.medianMs))
    const ours = median(largeRuns.map(r => r.medianMs))
    const ratio = ours / base
    return {
      rows: [
        {
          measure: `as-of plan read on a ${fmt(largeRuns[0].storeEvents / 1e6, 1)}M-event store`,
          baseline: `the same read on a ${fmt(smallRuns[0].storeEvents)}-event store: ${fmt(base, 2)} ms`,
          ours: `${fmt(ours, 2)} ms (p99 ${fmt(Math.max(...largeRuns.map(r => r.p99Ms)), 2)} ms)`,
          ratio,
          goal: '≤ 2×',
          met: ratio <= 2,
          notes: [
            `One plan of ${EVENTS_PER_PLAN} events (20 actions; structure, then progress reports and RAG ratings over its year) in each store, read as of ${AS_OF} (${smallRuns[0].planVersion} of its events recorded by then). Median of ${READS} reads after 20 warm-up reads, each store in its own process, alternated twice; ratio = large / small (lower is better).`,
            `Small store: ${smallRuns.map(r => `median ${fmt(r.medianMs, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms`).join('; ')}. Large store: ${largeRuns.map(r => `median ${fmt(r.medianMs, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms`).join('; ')}.`,
            `Stores built through the SQLite adapter (hash chain and all) in ${fmt(s.ms / 1000, 1)} s and ${fmt(l.ms / 1000, 1)} s; the read is PlanQueries.state (ledger.plans.state), which reads only the plan's stream, without the HTTP layer.`,
          ],
        },
      ],
      raw: { smallRuns, largeRuns, buildMs: { small: s.ms, large: l.ms } },
    }
  } finally {
    dir.remove()
  }
}

if (isMain(import.meta.url)) {
  if (arg('part') === 'read') emitResult(await timeReads(arg('db')!, arg('plan')!))
  else emitResult(await compare())
}
