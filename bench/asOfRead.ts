// As-of plan reads (PlanQueries.state, what GET /v1/plans/{id}?asOf= runs), two rows:
//   1. on a 1M-event store against the same read on a 10k-event store: one plan of the same size
//      (1000 events) in both, read as recorded at an instant in the middle of its history: the
//      read's cost should not grow with the store;
//   2. a plan with 100,000 events of history read as of its end, against a plan with 1,000 read
//      as of its end, in one store: folded from the nearest snapshot, the cost should not grow
//      with the plan's history.
// Stores are built with the plans' events interleaved in recording order (appends of 10) and
// their read models (snapshots included) rebuilt. Each side runs in its own process, alternated
// three times; the statistic on both sides is the median of the three runs' median read times.
//
//   node --import tsx bench/asOfRead.ts                                  build the stores, compare
//   node --import tsx bench/asOfRead.ts --part=read --db=PATH --plan=ID [--as-of=ISO|end]
import { PlanQueries } from '../src/app/planQueries.js'
import { sqliteBackend } from '../src/app/backends.js'
import { planStreamId } from '../src/domain/planStream.js'
import type { ProjectionRunner } from '../src/projections/readModels/runner.js'
import { openSqliteEventStore } from '../src/store/sqliteEventStore.js'
import { profileArgs } from './appends.js'
import { arg, emitResult, fmt, isMain, log, median, quantile, runPart, type BenchResult } from './lib.js'
import { BENCH_PRINCIPAL } from './storeBuilder.js'
import { benchPlanId, cachedStore, storeNote, type StoreSpec } from './storeCache.js'

const EVENTS_PER_PLAN = 1000
const SMALL_PLANS = 10
const LARGE_PLANS = Number(arg('large-plans') ?? process.env.BENCH_ASOF_LARGE_PLANS ?? 1000)
const READS = 200
const ROUNDS = 3
const LONG_PLAN_EVENTS = Number(process.env.BENCH_ASOF_LONG_EVENTS ?? 100_000)
const SHORT_PLAN_EVENTS = 1_000
const AS_OF = '2008-10-01T00:00:00.000Z'

interface ReadResult {
  storeEvents: number
  planVersion: number
  reads: number
  medianMs: number
  p99Ms: number
  meanMs: number
}

async function timeReads(path: string, planId: string, asOfArg: string): Promise<ReadResult> {
  const store = openSqliteEventStore(path)
  // PlanQueries.state reads the read models (snapshots) but not the runner; this stands in for it.
  const runner: ProjectionRunner = { waitFor: async () => true, position: () => 0, lastError: () => null, close: async () => undefined }
  const plans = new PlanQueries(store, sqliteBackend(store).readModels, runner, () => new Date('2009-06-01T00:00:00.000Z'))
  const storeEvents = await store.headPosition()
  const stream = planStreamId(planId)
  const asOf = asOfArg === 'end' ? (await store.readStream(stream, { fromVersion: await store.streamVersion(stream) }))[0].recordedAt : asOfArg
  let planVersion = 0
  for (let i = 0; i < 20; i++) planVersion = (await plans.state(planId, BENCH_PRINCIPAL, { asOf })).version
  const times: number[] = []
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now()
    await plans.state(planId, BENCH_PRINCIPAL, { asOf })
    times.push(performance.now() - t0)
  }
  await store.close()
  return { storeEvents, planVersion, reads: READS, medianMs: median(times), p99Ms: quantile(times, 0.99), meanMs: times.reduce((a, b) => a + b, 0) / times.length }
}

/** The stores this bench reads (interleaved plans, read models rebuilt): `npm run bench:prepare` builds them ahead. */
export function asOfStores(): { small: StoreSpec; large: StoreSpec; mixed: StoreSpec } {
  const plans = (name: string, count: number) => Array.from({ length: count }, (_, i) => ({ planId: benchPlanId(name, i), events: EVENTS_PER_PLAN }))
  const small = `asof-${SMALL_PLANS}x${EVENTS_PER_PLAN}`
  const large = `asof-${LARGE_PLANS}x${EVENTS_PER_PLAN}`
  const mixed = `asof-history-${LONG_PLAN_EVENTS}`
  return {
    small: { name: small, plans: plans(small, SMALL_PLANS), readModels: true },
    large: { name: large, plans: plans(large, LARGE_PLANS), readModels: true },
    mixed: {
      name: mixed,
      plans: [{ planId: benchPlanId(mixed, 'long'), events: LONG_PLAN_EVENTS }, { planId: benchPlanId(mixed, 'short'), events: SHORT_PLAN_EVENTS }, ...plans(mixed, 30)],
      readModels: true,
    },
  }
}

/** ROUNDS alternating runs of `a` and `b` (each in its own process); the median of their medians. */
async function alternate(file: string, a: string[], b: string[], label: [string, string], profile?: string): Promise<{ aRuns: ReadResult[]; bRuns: ReadResult[]; a: number; b: number }> {
  const aRuns: ReadResult[] = []
  const bRuns: ReadResult[] = []
  for (let i = 0; i < ROUNDS; i++) {
    log(`asOf: ${READS} reads, ${label[0]}, run ${i + 1}/${ROUNDS}`)
    aRuns.push(await runPart<ReadResult>(file, a))
    log(`asOf: ${READS} reads, ${label[1]}, run ${i + 1}/${ROUNDS}`)
    bRuns.push(await runPart<ReadResult>(file, b, { nodeArgs: profile ? profileArgs(profile) : [] }))
  }
  return { aRuns, bRuns, a: median(aRuns.map(r => r.medianMs)), b: median(bRuns.map(r => r.medianMs)) }
}

const runs = (list: ReadResult[]) => list.map(r => `median ${fmt(r.medianMs, 2)} ms, p99 ${fmt(r.p99Ms, 2)} ms`).join('; ')
const STATISTIC = `Statistic: the median of ${ROUNDS} runs' median read times on each side (${READS} reads per run after 20 warm-up reads), each run in its own process, the sides alternated; ratio = ours / baseline (lower is better).`

async function compare(): Promise<BenchResult> {
  const file = new URL(import.meta.url).pathname
  const specs = asOfStores()
  // 1. The same plan size on a small and a large store.
  const s = await cachedStore(specs.small)
  const l = await cachedStore(specs.large)
  const smallPlan = specs.small.plans[Math.floor(SMALL_PLANS / 2)].planId
  const largePlan = specs.large.plans[Math.floor(LARGE_PLANS / 2)].planId
  const stores = await alternate(file, ['--part=read', `--db=${s.path}`, `--plan=${smallPlan}`, `--as-of=${AS_OF}`], ['--part=read', `--db=${l.path}`, `--plan=${largePlan}`, `--as-of=${AS_OF}`], ['small store', 'large store'], 'asof-large')
  const storeRatio = stores.b / stores.a

  // 2. A long plan and a short one in one store, each read as of its end.
  const m = await cachedStore(specs.mixed)
  const [longPlan, shortPlan] = specs.mixed.plans.map(p => p.planId)
  const plansDb = m.path
  const history = await alternate(file, ['--part=read', `--db=${plansDb}`, `--plan=${shortPlan}`, '--as-of=end'], ['--part=read', `--db=${plansDb}`, `--plan=${longPlan}`, '--as-of=end'], [`${fmt(SHORT_PLAN_EVENTS)}-event plan`, `${fmt(LONG_PLAN_EVENTS)}-event plan`], 'asof-long')
  const historyRatio = history.b / history.a
  return {
    rows: [
      {
        measure: `as-of plan read on a ${fmt(stores.bRuns[0].storeEvents / 1e6, 1)}M-event store`,
        baseline: `the same read on a ${fmt(stores.aRuns[0].storeEvents)}-event store: ${fmt(stores.a, 2)} ms`,
        ours: `${fmt(stores.b, 2)} ms (p99 ${fmt(Math.max(...stores.bRuns.map(r => r.p99Ms)), 2)} ms)`,
        ratio: storeRatio,
        goal: '≤ 2×',
        met: storeRatio <= 2,
        notes: [
          `One plan of ${EVENTS_PER_PLAN} events (20 actions; structure, then progress reports and RAG ratings over its year) in each store, read as of ${AS_OF} (${stores.aRuns[0].planVersion} of its events recorded by then). ${STATISTIC}`,
          `Small store: ${runs(stores.aRuns)}. Large store: ${runs(stores.bRuns)}.`,
          `Stores written through the SQLite adapter (hash chain and all) in appends of 10 events in the order the events were recorded across plans (16 appends at once), so each plan's events are interleaved with the others' over its whole history, as real traffic lays them out; then their read models rebuilt (snapshots included); the read is PlanQueries.state (ledger.plans.state) without the HTTP layer. ${storeNote(s)} ${storeNote(l)}`,
        ],
      },
      {
        measure: `as-of read of a plan with ${fmt(LONG_PLAN_EVENTS)} events of history, asOf at its end`,
        baseline: `the same read of a plan with ${fmt(SHORT_PLAN_EVENTS)} events: ${fmt(history.a, 2)} ms`,
        ours: `${fmt(history.b, 2)} ms (p99 ${fmt(Math.max(...history.bRuns.map(r => r.p99Ms)), 2)} ms)`,
        ratio: historyRatio,
        goal: '≤ 1.5',
        met: historyRatio <= 1.5,
        notes: [
          `Both plans in one store of ${fmt(history.aRuns[0].storeEvents)} events (with 30 plans of ${EVENTS_PER_PLAN}), interleaved as above. ${storeNote(m)} Each read as of its plan's last event, effective on that date: folded from the nearest snapshot (every 500 events and at quarter ends). ${STATISTIC}`,
          `${fmt(SHORT_PLAN_EVENTS)}-event plan: ${runs(history.aRuns)}. ${fmt(LONG_PLAN_EVENTS)}-event plan: ${runs(history.bRuns)}.`,
        ],
      },
    ],
    raw: { stores, history, builds: { small: s, large: l, mixed: m } },
  }
}

if (isMain(import.meta.url)) {
  if (arg('part') === 'read') emitResult(await timeReads(arg('db')!, arg('plan')!, arg('as-of') ?? AS_OF))
  else emitResult(await compare())
}
