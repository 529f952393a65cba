// Durable ReportProgress over HTTP: autocannon with 64 connections POSTing progress reports,
// spread over many actions of many plans, to our real server (`gridledger serve`, SQLite store,
// rate limit off, default log level), against fastify's hello-world POST in the same run.
// Both servers are child processes started once; the load alternates between them twice.
import autocannon from 'autocannon'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { call, seedPlanOverHttp, startServer, type SeededPlan } from '../test/support/reliabilityServer.js'
import { profileArgs } from './appends.js'
import { cpuSeconds } from './requestCost.js'
import { arg, BENCH_DIR, emitResult, fmt, isMain, log, median, ROOT, tempDir, waitForLine, type BenchResult } from './lib.js'

const CONNECTIONS = 64
const SECONDS = Number(arg('seconds') ?? process.env.BENCH_HTTP_SECONDS ?? 10)
const PLANS = 16
const ACTIONS_PER_PLAN = 16
const ROUNDS = 3

interface Load {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  total: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  /** The server process's CPU time (user + system, every thread) per answered request, µs. */
  cpuMicros?: number
}

function summarise(r: autocannon.Result, okStatus: number): Load {
  const statusCodes: Record<string, number> = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]))
  return {
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    ok: statusCodes[String(okStatus)] ?? 0,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
  }
}

async function hammer(url: string, requests: autocannon.RequestSpec[], headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds, method: 'POST', headers, requests, timeout: 10 })
}

/** One round's load with the server's CPU time per answered request (the figure a loaded machine moves least). */
async function measuredRound(pid: number, okStatus: number, load: () => Promise<autocannon.Result>): Promise<Load> {
  const before = cpuSeconds(pid)
  const result = summarise(await load(), okStatus)
  return { ...result, cpuMicros: result.total > 0 ? ((cpuSeconds(pid) - before) * 1e6) / result.total : undefined }
}

async function run(): Promise<BenchResult> {
  const dir = tempDir('http')
  log(`http: starting fastify hello-world and gridledger (SQLite in ${dir.path})`)
  const hello = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'helloServer.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const helloPort = Number((await waitForLine(hello, /\{"port":(\d+)\}/))[1])
  const server = await startServer({
    store: `sqlite:${join(dir.path, 'bench.db')}`,
    dropLogAfterStart: true,
    nodeArgs: profileArgs('http-ours'),
    // The profile is written on a clean exit, so the server is stopped with SIGTERM below.
  })
  try {
    const { targets, progress, providerToken } = await seedForProgress(server.url)
    const versionsBefore = await planVersions(server.url)
    const helloBody = JSON.stringify({ effectiveDate: '2008-09-30', note: 'Bench report 1: two more staff trained', status: 'in_progress', percentComplete: 50 })
    const helloRequests: autocannon.RequestSpec[] = [{ method: 'POST', path: '/hello', body: helloBody }]

    log('http: warm-up (2 s each)')
    await hammer(`http://127.0.0.1:${helloPort}`, helloRequests, jsonHeaders, 2)
    const warm = await hammer(server.url, progress, { ...jsonHeaders, authorization: `Bearer ${providerToken}` }, 2)
    let acknowledged = warm.statusCodeStats?.['201']?.count ?? 0

    const baseline: Load[] = []
    const ours: Load[] = []
    for (let round = 1; round <= ROUNDS; round++) {
      log(`http: fastify hello-world, round ${round}/${ROUNDS} (${SECONDS} s, ${CONNECTIONS} connections)`)
      baseline.push(await measuredRound(hello.pid!, 200, () => hammer(`http://127.0.0.1:${helloPort}`, helloRequests, jsonHeaders, SECONDS)))
      log(`http: gridledger ReportProgress, round ${round}/${ROUNDS}`)
      const r = await measuredRound(server.child.pid!, 201, () => hammer(server.url, progress, { ...jsonHeaders, authorization: `Bearer ${providerToken}` }, SECONDS))
      acknowledged += r.ok
      ours.push(r)
    }
    // Context for the notes, not the ratio: the same server on a route that does no work, and
    // the same load on a server whose store is memory (no SQLite, nothing durable).
    log(`http: context: GET /health on the same server (${SECONDS} s)`)
    const health = await measuredRound(server.child.pid!, 200, () => hammer(server.url, [{ method: 'GET', path: '/health' }], {}, SECONDS))
    log(`http: context: ReportProgress on a memory-store server (${SECONDS} s after a 2 s warm-up)`)
    const memory = await memoryStoreRound()
    log(`http: context: ReportProgress with the command path answered at once (${SECONDS} s after a 2 s warm-up)`)
    const ceiling = await ceilingRound()
    // Every 201 must be one stored event: the plans' versions grew by exactly the acknowledged count.
    const versionsAfter = await planVersions(server.url)
    const recorded = [...versionsAfter].reduce((sum, [id, v]) => sum + v - (versionsBefore.get(id) ?? 0), 0)
    const inFlightAtStops = CONNECTIONS * (ROUNDS + 1)

    const base = median(baseline.map(b => b.requestsPerSecond))
    const our = median(ours.map(o => o.requestsPerSecond))
    const p99 = Math.max(...ours.map(o => o.p99Ms))
    const ratio = our / base
    const cpu = (loads: Load[]) => median(loads.flatMap(l => (l.cpuMicros === undefined ? [] : [l.cpuMicros])))
    const [helloCpu, ourCpu] = [cpu(baseline), cpu(ours)]
    const others = ours.flatMap(o => Object.entries(o.statusCodes).filter(([code]) => code !== '201'))
    return {
      rows: [
        {
          measure: `durable ReportProgress over HTTP, ${CONNECTIONS} connections (autocannon)`,
          baseline: `fastify hello-world POST: ${fmt(base)} req/s (p99 ${fmt(Math.max(...baseline.map(b => b.p99Ms)))} ms)`,
          ours: `${fmt(our)} req/s, p99 ${fmt(p99)} ms`,
          ratio,
          goal: '≥ 0.40, p99 < 25 ms',
          met: ratio >= 0.4 && p99 < 25,
          notes: [
            `${ROUNDS} alternating ${SECONDS} s rounds per server after a 2 s warm-up each; statistic: the median over the rounds of each round's mean req/s, on both sides, and the worst round's p99. Hello-world: ${baseline.map(b => `${fmt(b.requestsPerSecond)} req/s p99 ${b.p99Ms} ms`).join('; ')}. Ours: ${ours.map(o => `${fmt(o.requestsPerSecond)} req/s p50 ${o.p50Ms} ms p99 ${o.p99Ms} ms`).join('; ')}.`,
            `Server CPU time per answered request (user + system, every thread, from /proc/<pid>/stat over each round; median of the rounds): hello-world ${fmt(helloCpu)} µs (${baseline.map(b => fmt(b.cpuMicros ?? NaN)).join(', ')}), ours ${fmt(ourCpu)} µs (${ours.map(o => fmt(o.cpuMicros ?? NaN)).join(', ')}), GET /health on our server ${fmt(health.cpuMicros ?? NaN)} µs; hello-world / ours ${(helloCpu / ourCpu).toFixed(2)}: what the req/s ratio would be with a core for each server and the load generator elsewhere.`,
            `Ours: \`gridledger serve\` on a SQLite file (WAL; each 201 follows the fdatasync that covers its group commit), GRIDLEDGER_RATE_LIMIT=0, LOG_LEVEL=info (one log line per request), a provider token owning every action; POSTs rotate over ${targets.length} actions in ${PLANS} plans. Body ${helloBody.length} bytes for both servers.`,
            `Where the time goes (context, same run): GET /health on the same server, a route that touches no store, ran at ${fmt(health.requestsPerSecond)} req/s, ${(health.requestsPerSecond / base).toFixed(2)} of hello-world; ReportProgress on a server whose store is memory (no SQLite, no fsync, nothing durable) ran at ${fmt(memory.requestsPerSecond)} req/s, ${(memory.requestsPerSecond / base).toFixed(2)} of hello-world, against ${ratio.toFixed(2)} on SQLite. The same route with the command path answered at once (bench/ceilingServer.ts: \`gridledger serve\` on the memory store whose command handler, after seeding, returns a made-up outcome: no decision, no append, no projection; authentication, plan access, zod, helmet, the serialiser and the log line as ever) ran at ${fmt(ceiling.requestsPerSecond)} req/s, ${(ceiling.requestsPerSecond / base).toFixed(2)} of hello-world, ${fmt(ceiling.cpuMicros ?? NaN)} µs of server CPU per request: the most any change below the HTTP layer could reach. Profiles: bench/analysis.md.`,
            `Check: ${fmt(acknowledged)} requests answered 201 and the plans' versions grew by ${fmt(recorded)} events (${recorded >= acknowledged && recorded - acknowledged <= inFlightAtStops ? `the ${fmt(recorded - acknowledged)} more are requests in flight when autocannon stopped, at most ${CONNECTIONS} per run: it drops them uncounted` : 'MISMATCH: more 201s than events, or more unanswered than connections'}). ${others.length ? `Other answers: ${others.map(([c, k]) => `${c} ×${k}`).join(', ')}.` : 'No other status.'} Errors ${ours.reduce((s, o) => s + o.errors, 0)}, timeouts ${ours.reduce((s, o) => s + o.timeouts, 0)}.`,
          ],
        },
      ],
      raw: { baseline, ours, acknowledged, recorded, health, memory, ceiling },
    }
  } finally {
    hello.kill('SIGTERM')
    await server.kill('SIGTERM')
    dir.remove()
  }
}

const jsonHeaders = { 'content-type': 'application/json' }

/** Seeds PLANS plans over HTTP and a provider token owning every action; the ReportProgress load over them. */
export async function seedForProgress(url: string): Promise<{ targets: string[]; progress: autocannon.RequestSpec[]; providerToken: string }> {
  log(`http: seeding ${PLANS} plans × ${ACTIONS_PER_PLAN} actions`)
  const plans: SeededPlan[] = []
  for (let i = 0; i < PLANS; i++) plans.push(await seedPlanOverHttp(url, ACTIONS_PER_PLAN, `Partnership ${i + 1} DAAT`))
  const provider = await call(url, 'POST', '/v1/tokens', { role: 'provider', owners: ['CNWL'], label: 'bench' })
  if (provider.status !== 201) throw new Error(`token: ${provider.status} ${provider.text}`)
  const targets = plans.flatMap(p => p.actionIds.map(a => `/v1/plans/${p.planId}/actions/${a}/progress`))
  let n = 0
  const progress: autocannon.RequestSpec[] = [
    {
      method: 'POST',
      setupRequest: req => {
        n++
        req.path = targets[n % targets.length]
        req.body = JSON.stringify({ effectiveDate: '2008-09-30', note: `Bench report ${n}: two more staff trained`, status: 'in_progress', percentComplete: n % 101 })
        return req
      },
    },
  ]
  return { targets, progress, providerToken: provider.json().token as string }
}

/** One round of the same load against `gridledger serve` on the memory store. */
async function memoryStoreRound(): Promise<Load> {
  const server = await startServer({ store: 'memory:', dropLogAfterStart: true })
  try {
    const { progress, providerToken } = await seedForProgress(server.url)
    const headers = { ...jsonHeaders, authorization: `Bearer ${providerToken}` }
    await hammer(server.url, progress, headers, 2)
    return summarise(await hammer(server.url, progress, headers, SECONDS), 201)
  } finally {
    await server.kill('SIGTERM')
  }
}

/** One round against bench/ceilingServer.ts: seeded through the real command path, then loaded with it short-circuited. */
async function ceilingRound(): Promise<Load> {
  const server = await startServer({ store: 'memory:', dropLogAfterStart: true, entry: join(BENCH_DIR, 'ceilingServer.ts') })
  try {
    const { progress, providerToken } = await seedForProgress(server.url)
    server.child.kill('SIGWINCH')
    const headers = { ...jsonHeaders, authorization: `Bearer ${providerToken}` }
    await hammer(server.url, progress, headers, 2)
    const before = await planVersions(server.url)
    const load = await measuredRound(server.child.pid!, 201, () => hammer(server.url, progress, headers, SECONDS))
    // Short-circuited means nothing recorded: a grown plan would mean the real path ran.
    const after = await planVersions(server.url)
    if ([...after].some(([id, v]) => v !== before.get(id))) throw new Error('ceiling round: plans grew, so the command path was not short-circuited')
    return load
  } finally {
    await server.kill('SIGTERM')
  }
}

async function planVersions(url: string): Promise<Map<string, number>> {
  const res = await call(url, 'GET', '/v1/plans')
  if (res.status !== 200) throw new Error(`GET /v1/plans: ${res.status} ${res.text}`)
  return new Map((res.json().items as Array<{ id: string; version: number }>).map(p => [p.id, p.version]))
}

if (isMain(import.meta.url)) emitResult(await run())
