// Load shedding on a real server driven past its capacity: with shedding on, requests beyond
// what the server can do are answered 503 with Retry-After at once, /ready says so, the requests
// it does answer stay faster than the same load gets from a server that queues everything, and
// no acknowledged write is lost.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { call, startServer, type ServerChild } from '../support/reliabilityServer.js'

t.setTimeout(900_000)
const dir = mkdtempSync(join(tmpdir(), 'gridledger-shed-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const CLIENTS = 128
const SECONDS = 6

interface Outcome {
  latencies: number[]
  shed: number
  badShed: string[]
  errors: string[]
  acked: Map<string, string[]>
  readyCodes: number[]
  healthCodes: number[]
}

function p90(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]
}

/** CLIENTS closed-loop writers, one plan each, honouring Retry-After as a well-behaved client does. */
async function drive(server: ServerChild): Promise<Outcome> {
  const plans: string[] = []
  for (let i = 0; i < CLIENTS; i++) {
    let res = await call(server.url, 'POST', '/v1/plans', { partnership: `Client ${i} DAAT`, year: '2008/09' })
    while (res.status === 503) {
      await new Promise(r => setTimeout(r, Number(res.headers.get('retry-after')) * 1000))
      res = await call(server.url, 'POST', '/v1/plans', { partnership: `Client ${i} DAAT`, year: '2008/09' })
    }
    if (res.status !== 201) throw new Error(`seed: ${res.status} ${res.text}`)
    plans.push(res.json().id)
  }
  const out: Outcome = { latencies: [], shed: 0, badShed: [], errors: [], acked: new Map(plans.map(p => [p, []])), readyCodes: [], healthCodes: [] }
  const end = performance.now() + SECONDS * 1000
  const client = async (i: number) => {
    for (let n = 1; performance.now() < end; ) {
      const t0 = performance.now()
      const res = await call(server.url, 'POST', `/v1/plans/${plans[i]}/grids`, { number: n, title: `Grid ${n}` }, { timeoutMs: 120_000 })
      const ms = performance.now() - t0
      if (res.status === 201) {
        out.latencies.push(ms)
        out.acked.get(plans[i])!.push(res.json().id)
        n++
      } else if (res.status === 503) {
        out.shed++
        // Ask /ready at once while the server is known to be shedding: the periodic probe alone can fall
        // between the short bursts of pressure on a quiet machine.
        if (out.shed <= 20) out.readyCodes.push((await call(server.url, 'GET', '/ready', undefined, { token: null, timeoutMs: 120_000 })).status)
        const retryAfter = Number(res.headers.get('retry-after'))
        if (!(retryAfter > 0) || !/application\/problem\+json/.test(res.headers.get('content-type') ?? '') || !/overloaded|memory/.test(res.json().detail)) out.badShed.push(res.text)
        await new Promise(r => setTimeout(r, retryAfter * 1000))
      } else out.errors.push(`${res.status} ${res.text}`)
    }
  }
  const probe = async () => {
    while (performance.now() < end) {
      out.readyCodes.push((await call(server.url, 'GET', '/ready', undefined, { token: null, timeoutMs: 120_000 })).status)
      out.healthCodes.push((await call(server.url, 'GET', '/health', undefined, { token: null, timeoutMs: 120_000 })).status)
      await new Promise(r => setTimeout(r, 100))
    }
  }
  await Promise.all([...plans.map((_, i) => client(i)), probe()])
  return out
}

t.test('past capacity: shed with 503 + Retry-After, answered requests stay faster, nothing acknowledged lost', async t => {
  const queueing = await startServer({ store: `sqlite:${join(dir, 'queueing.db')}`, dropLogAfterStart: true, env: { GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS: '0' } })
  t.teardown(() => queueing.kill())
  const withoutShedding = await drive(queueing)
  await queueing.kill('SIGTERM')

  const store = join(dir, 'shedding.db')
  const shedding = await startServer({ store: `sqlite:${store}`, dropLogAfterStart: true, env: { GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS: '2', GRIDLEDGER_RETRY_AFTER_SECONDS: '1' } })
  t.teardown(() => shedding.kill())
  const withShedding = await drive(shedding)

  t.same(withoutShedding.errors, [], 'without shedding every request is eventually answered')
  t.equal(withoutShedding.shed, 0, 'and none is shed')
  t.same(withShedding.errors, [], 'with shedding, nothing but 201 and 503')
  t.ok(withShedding.shed > 0, `requests past capacity were shed (${withShedding.shed})`)
  t.same(withShedding.badShed, [], 'each shed request got a problem with Retry-After')
  t.comment(`ready codes: ${JSON.stringify(withShedding.readyCodes.reduce<Record<number, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {}))}`)
  t.ok(withShedding.readyCodes.includes(503), '/ready reported the pressure')
  t.ok(withShedding.healthCodes.every(c => c === 200), '/health (liveness) is never shed')
  t.ok(withShedding.latencies.length > 0 && withoutShedding.latencies.length > 0)
  const shedP90 = p90(withShedding.latencies)
  const queuedP90 = p90(withoutShedding.latencies)
  t.ok(shedP90 < queuedP90, `answered requests stay faster with shedding: p90 ${shedP90.toFixed(0)} ms against ${queuedP90.toFixed(0)} ms queued`)

  // Nothing acknowledged is lost, even when the server is then killed.
  await shedding.kill('SIGKILL')
  const again = await startServer({ store: `sqlite:${store}` })
  t.teardown(() => again.kill())
  const missing: string[] = []
  let acked = 0
  for (const [planId, grids] of withShedding.acked) {
    const state = (await call(again.url, 'GET', `/v1/plans/${planId}`)).json() as { grids: Array<{ id: string }> }
    const present = new Set(state.grids.map(g => g.id))
    acked += grids.length
    for (const g of grids) if (!present.has(g)) missing.push(`${planId}/${g}`)
  }
  t.same(missing, [], `all ${acked} acknowledged writes are there after kill -9 and restart`)
})
