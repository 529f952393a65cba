// CPU time per request, the figure that holds on a loaded machine where req/s does not: the server
// process's own CPU time (user + system, every thread, from /proc/<pid>/stat) over a fixed number
// of requests sent by autocannon (64 connections), for fastify's hello-world, the route answering
// the plan's JSON bytes from memory (httpReads' baseline), and ours: GET /health, the plan read
// (200 and 304), the quarterly report and the plans list of the imported 110-action plan. Each
// target is measured in alternating rounds; the figure is the median over the rounds.
//
//   node --import tsx bench/requestCost.ts [--requests=10000] [--rounds=3] [--only=plan,report]
//   BENCH_PROFILE=requestCost-ours adds --cpu-prof to our server (bench/README.md, "Profiles").
//
// Prints a table on stderr and one BENCH_RESULT line; not a row of BENCHMARKS.md (run.ts does
// not run it): it is the probe behind bench/analysis.md's per-request figures.
import autocannon from 'autocannon'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { call, SERVER_ADMIN_TOKEN, startServer } from '../test/support/reliabilityServer.js'
import { profileArgs } from './appends.js'
import { importFixture, startJsonServer } from './httpReads.js'
import { arg, BENCH_DIR, emitResult, fmt, isMain, log, median, ROOT, tempDir, waitForLine } from './lib.js'

const CONNECTIONS = 64
const REQUESTS = Number(arg('requests') ?? 10_000)
const ROUNDS = Number(arg('rounds') ?? 3)
const CLOCK_TICKS_PER_SECOND = 100

interface Target {
  name: string
  pid: number
  options: autocannon.Options
}

/** CPU seconds the process has used so far (user + system, all threads). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start at state: utime is the 12th after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

/** Microseconds of the server's CPU per request over `REQUESTS` requests, and the answers' statuses. */
async function measure(target: Target): Promise<{ cpuMicros: number; statuses: Record<string, number>; errors: number }> {
  const before = cpuSeconds(target.pid)
  const r = await autocannon({ ...target.options, connections: CONNECTIONS, amount: REQUESTS, timeout: 30 })
  const used = cpuSeconds(target.pid) - before
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]))
  return { cpuMicros: (used * 1e6) / REQUESTS, statuses, errors: r.errors }
}

async function startHelloServer(): Promise<{ url: string; pid: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'helloServer.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const port = Number((await waitForLine(child, /\{"port":(\d+)\}/))[1])
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGTERM') }
}

async function run(): Promise<unknown> {
  const dir = tempDir('request-cost')
  const server = await startServer({ store: `sqlite:${join(dir.path, 'cost.db')}`, dropLogAfterStart: true, nodeArgs: profileArgs('requestCost-ours') })
  const auth = { authorization: `Bearer ${SERVER_ADMIN_TOKEN}` }
  const hello = await startHelloServer()
  let baseline: Awaited<ReturnType<typeof startJsonServer>> | null = null
  try {
    const { planId } = await importFixture(server.url, auth)
    const planPath = `/v1/plans/${planId}`
    const reportPath = `${planPath}/reports/quarterly?quarter=2`
    const plan = await call(server.url, 'GET', planPath)
    const report = await call(server.url, 'GET', reportPath)
    writeFileSync(join(dir.path, 'plan.json'), plan.text)
    writeFileSync(join(dir.path, 'report.json'), report.text)
    baseline = await startJsonServer(join(dir.path, 'plan.json'), join(dir.path, 'report.json'))
    const etag = plan.headers.get('etag') ?? ''
    const ours = server.child.pid!
    const targets: Target[] = [
      { name: 'hello-world POST (fastify alone)', pid: hello.pid, options: { url: `${hello.url}/hello`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' } },
      { name: 'plan bytes from memory (fastify alone)', pid: baseline.pid, options: { url: `${baseline.url}/plan` } },
      { name: 'report bytes from memory (fastify alone)', pid: baseline.pid, options: { url: `${baseline.url}/report` } },
      { name: 'GET /health', pid: ours, options: { url: `${server.url}/health` } },
      { name: 'GET /v1/plans/{id}', pid: ours, options: { url: `${server.url}${planPath}`, headers: auth } },
      { name: 'GET /v1/plans/{id}, If-None-Match (304)', pid: ours, options: { url: `${server.url}${planPath}`, headers: { ...auth, 'if-none-match': etag } } },
      { name: 'quarterly report JSON (quarter 2)', pid: ours, options: { url: `${server.url}${reportPath}`, headers: auth } },
      { name: 'GET /v1/plans', pid: ours, options: { url: `${server.url}/v1/plans`, headers: auth } },
    ]
    const only = arg('only')?.split(',')
    const chosen = only ? targets.filter(t => only.some(o => t.name.toLowerCase().includes(o.toLowerCase()))) : targets
    log(`request cost: plan ${fmt(plan.text.length)} bytes, report ${fmt(report.text.length)} bytes; ${fmt(REQUESTS)} requests per round, ${ROUNDS} rounds, ${CONNECTIONS} connections`)
    for (const t of chosen) await autocannon({ ...t.options, connections: CONNECTIONS, amount: Math.min(2_000, REQUESTS), timeout: 30 })
    const figures = new Map<string, number[]>(chosen.map(t => [t.name, []]))
    for (let round = 1; round <= ROUNDS; round++) {
      for (const t of chosen) {
        const m = await measure(t)
        const unexpected = Object.keys(m.statuses).filter(code => code !== '200' && code !== '201' && code !== '304')
        if (unexpected.length > 0 || m.errors > 0) throw new Error(`${t.name}: statuses ${JSON.stringify(m.statuses)}, errors ${m.errors}`)
        figures.get(t.name)!.push(m.cpuMicros)
        log(`  round ${round}: ${t.name}: ${fmt(m.cpuMicros)} µs CPU per request`)
      }
    }
    const rows = chosen.map(t => ({ target: t.name, medianMicros: median(figures.get(t.name)!), rounds: figures.get(t.name)! }))
    log('\nserver CPU per request (median over rounds, µs):')
    for (const r of rows) log(`  ${fmt(r.medianMicros).padStart(7)}  ${r.target}   (${r.rounds.map(x => fmt(x)).join(', ')})`)
    return { requests: REQUESTS, rounds: ROUNDS, connections: CONNECTIONS, rows }
  } finally {
    baseline?.stop()
    hello.stop()
    await server.kill('SIGTERM')
    dir.remove()
  }
}

if (isMain(import.meta.url)) emitResult(await run())
