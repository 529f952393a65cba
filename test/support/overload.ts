// Drives a real server past its capacity: closed-loop writers, one plan each, that honour
// Retry-After as a well-behaved client does, plus a probe of /ready and /health. Used by the
// load-shedding test (what is answered, and that nothing acknowledged is lost) and its benchmark
// (bench/loadShedding.ts: how fast the answered requests are, against a server that queues).
import { setTimeout as sleep } from 'node:timers/promises'
import { call, type ServerChild } from './reliabilityServer.js'

export interface OverloadOutcome {
  /** Milliseconds each 201 took. */
  latencies: number[]
  shed: number
  /** Shed answers that lacked Retry-After, problem+json or the reason. */
  badShed: string[]
  /** Answers other than 201 and 503. */
  errors: string[]
  /** Grid ids acknowledged, per plan. */
  acked: Map<string, string[]>
  readyCodes: number[]
  healthCodes: number[]
}

export async function driveOverload(server: ServerChild, clients: number, seconds: number): Promise<OverloadOutcome> {
  const plans: string[] = []
  for (let i = 0; i < clients; i++) {
    let res = await call(server.url, 'POST', '/v1/plans', { partnership: `Client ${i} DAAT`, year: '2008/09' })
    while (res.status === 503) {
      await sleep(Number(res.headers.get('retry-after')) * 1000)
      res = await call(server.url, 'POST', '/v1/plans', { partnership: `Client ${i} DAAT`, year: '2008/09' })
    }
    if (res.status !== 201) throw new Error(`seed: ${res.status} ${res.text}`)
    plans.push(res.json().id)
  }
  const out: OverloadOutcome = { latencies: [], shed: 0, badShed: [], errors: [], acked: new Map(plans.map(p => [p, []])), readyCodes: [], healthCodes: [] }
  const end = performance.now() + seconds * 1000
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
        await sleep(retryAfter * 1000)
      } else out.errors.push(`${res.status} ${res.text}`)
    }
  }
  const probe = async () => {
    while (performance.now() < end) {
      out.readyCodes.push((await call(server.url, 'GET', '/ready', undefined, { token: null, timeoutMs: 120_000 })).status)
      out.healthCodes.push((await call(server.url, 'GET', '/health', undefined, { token: null, timeoutMs: 120_000 })).status)
      await sleep(100)
    }
  }
  await Promise.all([...plans.map((_, i) => client(i)), probe()])
  return out
}

/** The environment that turns shedding on as the test and the benchmark use it (off: the queueing server). */
export const SHEDDING_ENV = { GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS: '2', GRIDLEDGER_RETRY_AFTER_SECONDS: '1' }
export const QUEUEING_ENV = { GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS: '0' }
