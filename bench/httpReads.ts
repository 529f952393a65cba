// Current-state reads over HTTP: GET /v1/plans/{id} and the quarterly report (JSON) of an imported
// 110-action plan (test/fixtures/staffordshire-2003-04.txt), 64 connections, against a fastify
// route answering the same JSON bytes from memory (jsonServer.ts), in the same run; then a second
// import of the plan given 6,600 more events of history (progress reports with ~200-character
// notes) against the first given only the last report of each action, so that both answers are
// the same size. Rounds alternate between the sides; the statistic on every side is the median
// over the rounds of each round's mean req/s.
import autocannon from 'autocannon'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { call, SERVER_ADMIN_TOKEN, startServer } from '../test/support/reliabilityServer.js'
import { profileArgs } from './appends.js'
import { arg, BENCH_DIR, emitResult, fmt, isMain, log, median, ROOT, tempDir, waitForLine, type BenchResult, type BenchRow } from './lib.js'

const CONNECTIONS = 64
const SECONDS = Number(arg('seconds') ?? process.env.BENCH_READS_SECONDS ?? 8)
const ROUNDS = 3
const MORE_EVENTS = 6_600
const FIXTURE = 'test/fixtures/staffordshire-2003-04.txt'

interface Load {
  requestsPerSecond: number
  meanMs: number
  p99Ms: number
  non2xx: number
  errors: number
  bytes: number
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Load> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers, timeout: 10 })
  return { requestsPerSecond: r.requests.average, meanMs: r.latency.mean, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, bytes: r.throughput.total }
}

const statistic = (loads: Load[]) => median(loads.map(l => l.requestsPerSecond))
const describe = (loads: Load[]) => loads.map(l => `${fmt(l.requestsPerSecond)} req/s (mean ${fmt(l.meanMs, 1)} ms, p99 ${l.p99Ms} ms)`).join('; ')

async function run(): Promise<BenchResult> {
  const dir = tempDir('reads')
  const server = await startServer({ store: `sqlite:${join(dir.path, 'reads.db')}`, dropLogAfterStart: true, nodeArgs: profileArgs('reads-ours') })
  const auth = { authorization: `Bearer ${SERVER_ADMIN_TOKEN}` }
  let baseline: Awaited<ReturnType<typeof startJsonServer>> | null = null
  try {
    log(`reads: importing ${FIXTURE}`)
    const { planId, counts } = await importFixture(server.url, auth)
    const planPath = `/v1/plans/${planId}`
    const reportPath = `/v1/plans/${planId}/reports/quarterly?quarter=2`
    const plan = await call(server.url, 'GET', planPath)
    const report = await call(server.url, 'GET', reportPath)
    if (plan.status !== 200 || report.status !== 200) throw new Error(`reads: ${plan.status} ${report.status}`)
    const eventsBefore = plan.json().version as number
    writeFileSync(join(dir.path, 'plan.json'), plan.text)
    writeFileSync(join(dir.path, 'report.json'), report.text)
    baseline = await startJsonServer(join(dir.path, 'plan.json'), join(dir.path, 'report.json'))
    log(`reads: plan ${counts.grids} grids, ${counts.objectives} objectives, ${counts.actions} actions, ${eventsBefore} events; plan state ${fmt(plan.text.length)} bytes, report ${fmt(report.text.length)} bytes`)

    log('reads: warm-up (2 s each)')
    for (const [url, headers] of [[`${baseline.url}/plan`, {}], [`${server.url}${planPath}`, auth], [`${baseline.url}/report`, {}], [`${server.url}${reportPath}`, auth]] as const) await load(url, headers, 2)
    const series = { basePlan: [] as Load[], plan: [] as Load[], baseReport: [] as Load[], report: [] as Load[] }
    for (let round = 1; round <= ROUNDS; round++) {
      log(`reads: round ${round}/${ROUNDS} (${SECONDS} s per side, ${CONNECTIONS} connections)`)
      series.basePlan.push(await load(`${baseline.url}/plan`, {}, SECONDS))
      series.plan.push(await load(`${server.url}${planPath}`, auth, SECONDS))
      series.baseReport.push(await load(`${baseline.url}/report`, {}, SECONDS))
      series.report.push(await load(`${server.url}${reportPath}`, auth, SECONDS))
    }

    // The growth row compares two plans imported from the same document, read in alternating
    // rounds: one given 6,600 progress reports, the other only the last report of each action
    // the first one got. Their answers are then the same size (the same texts, ids of the same
    // length), so the row shows what the history costs, not what a larger answer costs.
    const long = await importFixture(server.url, auth, true)
    const longPath = `/v1/plans/${long.planId}`
    log(`reads: recording ${fmt(MORE_EVENTS)} progress reports (~200-character notes) on a second import of the plan`)
    const longActions = actionIdsOf((await call(server.url, 'GET', longPath)).json())
    let n = 0
    const grown = await autocannon({
      url: server.url,
      connections: 16,
      amount: MORE_EVENTS,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      requests: [
        {
          method: 'POST',
          setupRequest: req => {
            n++
            req.path = `${longPath}/actions/${longActions[n % longActions.length]}/progress`
            req.body = JSON.stringify(progressReport(n))
            return req
          },
        },
      ],
      timeout: 30,
    })
    const longState = (await call(server.url, 'GET', longPath)).json()
    const eventsAfter = longState.version as number
    log(`reads: ${grown.statusCodeStats?.['201']?.count ?? 0} recorded (non-2xx ${grown.non2xx}); that plan is at ${eventsAfter} events`)
    // The first plan gets each action's last report, as the long plan's state shows it.
    const shortActions = actionIdsOf(plan.json())
    const lastReports = actionProgress(longState)
    for (const [i, actionId] of shortActions.entries()) {
      const progress = lastReports[i]
      if (!progress) continue
      const res = await call(server.url, 'POST', `${planPath}/actions/${actionId}/progress`, { effectiveDate: progress.effectiveDate, note: progress.note, status: progress.status, percentComplete: progress.percentComplete })
      if (res.status !== 201) throw new Error(`progress: ${res.status} ${res.text}`)
    }
    const short = await call(server.url, 'GET', planPath)
    const shortEvents = short.json().version as number
    const longBytes = (await call(server.url, 'GET', longPath)).text.length
    log(`reads: the plan read at ${shortEvents} events (${fmt(short.text.length)} bytes) against ${eventsAfter} events (${fmt(longBytes)} bytes)`)
    await load(`${server.url}${planPath}`, auth, 2)
    await load(`${server.url}${longPath}`, auth, 2)
    const shortPlan: Load[] = []
    const grownPlan: Load[] = []
    for (let round = 1; round <= ROUNDS; round++) {
      log(`reads: ${shortEvents} against ${eventsAfter} events, round ${round}/${ROUNDS}`)
      shortPlan.push(await load(`${server.url}${planPath}`, auth, SECONDS))
      grownPlan.push(await load(`${server.url}${longPath}`, auth, SECONDS))
    }

    const planRatio = statistic(series.plan) / statistic(series.basePlan)
    const reportRatio = statistic(series.report) / statistic(series.baseReport)
    const growthRatio = statistic(shortPlan) / statistic(grownPlan)
    const failures = [...series.plan, ...series.report, ...shortPlan, ...grownPlan].reduce((s, l) => s + l.non2xx + l.errors, 0)
    const common = `Statistic: the median over ${ROUNDS} alternating ${SECONDS} s rounds of each round's mean req/s, on both sides; ${CONNECTIONS} connections (autocannon), after a 2 s warm-up each. Ours: \`gridledger serve\` on a SQLite file, GRIDLEDGER_RATE_LIMIT=0, LOG_LEVEL=info (a log line per request), an admin token. Non-2xx answers or errors on our side: ${failures}.`
    const rows: BenchRow[] = [
      {
        measure: `GET /v1/plans/{id}, an imported ${counts.actions}-action plan (${FIXTURE.split('/').pop()}), ${CONNECTIONS} connections`,
        baseline: `fastify route answering the same ${fmt(plan.text.length)} JSON bytes from memory: ${fmt(statistic(series.basePlan))} req/s`,
        ours: `${fmt(statistic(series.plan))} req/s`,
        ratio: planRatio,
        goal: '≥ 0.5',
        met: planRatio >= 0.5,
        notes: [common, `Baseline: ${describe(series.basePlan)}. Ours: ${describe(series.plan)}.`, `The plan: ${counts.grids} grids, ${counts.objectives} objectives, ${counts.actions} actions, ${eventsBefore} events.`],
      },
      {
        measure: `quarterly report (JSON, quarter 2) of that plan, ${CONNECTIONS} connections`,
        baseline: `fastify route answering the same ${fmt(report.text.length)} JSON bytes from memory: ${fmt(statistic(series.baseReport))} req/s`,
        ours: `${fmt(statistic(series.report))} req/s`,
        ratio: reportRatio,
        goal: '≥ 0.5',
        met: reportRatio >= 0.5,
        notes: [common, `Baseline: ${describe(series.baseReport)}. Ours: ${describe(series.report)}.`],
      },
      {
        measure: `GET /v1/plans/{id} of that plan with ${fmt(eventsAfter - shortEvents)} more events of history (${fmt(eventsAfter)} in all)`,
        baseline: `the same answer from a plan with ${fmt(shortEvents)} events: ${fmt(statistic(shortPlan))} req/s`,
        ours: `${fmt(statistic(grownPlan))} req/s`,
        ratio: growthRatio,
        goal: '≤ 1.2',
        met: growthRatio <= 1.2,
        notes: [
          `Ratio = req/s of the short history / req/s of the long one (the time per read of the long over the short; lower is better). Two plans imported from the same document on the same server: one given ${fmt(MORE_EVENTS)} progress reports of about 200 characters (over HTTP, 16 connections), the other only the last report each action of the first got, so both answers hold the same texts (${fmt(short.text.length)} and ${fmt(longBytes)} bytes). Rounds alternate between the two. ${common}`,
          `${fmt(shortEvents)} events: ${describe(shortPlan)}. ${fmt(eventsAfter)} events: ${describe(grownPlan)}.`,
        ],
      },
    ]
    return { rows, raw: { series, shortPlan, grownPlan, eventsBefore, shortEvents, eventsAfter, planBytes: plan.text.length, reportBytes: report.text.length, shortBytes: short.text.length, longBytes } }
  } finally {
    baseline?.stop()
    await server.kill('SIGTERM')
    dir.remove()
  }
}

/** Imports the fixture (a second time with force: a second plan from the same document). */
export async function importFixture(url: string, auth: Record<string, string>, again = false): Promise<{ planId: string; counts: { grids: number; objectives: number; actions: number } }> {
  const imported = await fetch(`${url}/v1/imports${again ? '?force=true' : ''}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: readFileSync(join(ROOT, FIXTURE), 'utf8') })
  if (imported.status !== 201) throw new Error(`import: ${imported.status} ${await imported.text()}`)
  return (await imported.json()) as { planId: string; counts: { grids: number; objectives: number; actions: number } }
}

interface StateShape {
  grids: Array<{ objectives: Array<{ actions: Array<{ id: string; progress: { effectiveDate: string; note: string; status: string | null; percentComplete: number | null } | null }> }> }>
}

function actionIdsOf(state: StateShape): string[] {
  return state.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(a => a.id)))
}

/** Each action's progress, in the plan's order. */
function actionProgress(state: StateShape): Array<StateShape['grids'][number]['objectives'][number]['actions'][number]['progress']> {
  return state.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(a => a.progress)))
}

function progressReport(n: number): { effectiveDate: string; note: string; status: string; percentComplete: number } {
  return {
    effectiveDate: '2004-03-31',
    note: `Monthly update ${n}: two more staff trained in naloxone this month, the rota agreed with the provider, and the outreach clinic moved to the new premises on the high street as planned.`,
    status: 'in_progress',
    percentComplete: n % 101,
  }
}

/** The baseline: jsonServer.ts answering the given files' bytes from memory. */
export async function startJsonServer(planFile: string, reportFile: string): Promise<{ url: string; pid: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'jsonServer.ts'), `--plan=${planFile}`, `--report=${reportFile}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const port = Number((await waitForLine(child, /\{"port":(\d+)\}/))[1])
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGTERM') }
}

if (isMain(import.meta.url)) emitResult(await run())
