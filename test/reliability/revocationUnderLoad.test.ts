// Revocation under load: two gridledger servers (separate processes) on one SQLite file, a steady
// stream of requests with several tokens against both, and the tokens revoked one by one through
// the first. No request sent with a token more than REVOCATION_BOUND_MS after its revocation was
// acknowledged (204) may succeed, on either instance; on the instance that acknowledged it, none
// sent after the acknowledgement. 3 tokens and a few seconds in npm test; 12 with
// GRIDLEDGER_RELIABILITY=long.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { REVOCATION_BOUND_MS } from '../../src/app/tokens.js'
import { call, seedPlanOverHttp, startServer, type ServerChild } from '../support/reliabilityServer.js'

const LONG = process.env.GRIDLEDGER_RELIABILITY === 'long'
const TOKENS = LONG ? 12 : 3
const WORKERS = LONG ? 16 : 6
if (LONG) t.setTimeout(20 * 60_000)

interface Sample {
  token: number
  instance: 'a' | 'b'
  sentAt: number
  status: number
}

t.test('no request succeeds with a token more than the bound after its revocation was acknowledged', async t => {
  const store = `sqlite:${join(mkdtempSync(join(tmpdir(), 'gridledger-revoke-')), 'shared.db')}`
  const a: ServerChild = await startServer({ store, dropLogAfterStart: true, timeoutMs: 120_000 })
  t.teardown(() => a.kill())
  const b: ServerChild = await startServer({ store, dropLogAfterStart: true, timeoutMs: 120_000 })
  t.teardown(() => b.kill())
  const plan = await seedPlanOverHttp(a.url)
  const tokens: Array<{ id: string; token: string }> = []
  for (let i = 0; i < TOKENS; i++) {
    const res = await call(a.url, 'POST', '/v1/tokens', { role: i % 2 ? 'auditor' : 'commissioner', label: `load ${i}` })
    t.equal(res.status, 201)
    tokens.push(res.json())
  }
  const urls = { a: a.url, b: b.url }
  const paths = ['/v1/plans', `/v1/plans/${plan.planId}`, `/v1/plans/${plan.planId}/reports/quarterly?quarter=1`]
  const samples: Sample[] = []
  const ackAt: number[] = new Array(TOKENS).fill(Number.POSITIVE_INFINITY)
  let running = true
  let n = 0
  const worker = async () => {
    while (running) {
      const i = n++ % TOKENS
      const instance = n % 2 ? 'a' : 'b'
      const sentAt = performance.now()
      try {
        const res = await fetch(`${urls[instance]}${paths[n % paths.length]}`, { headers: { authorization: `Bearer ${tokens[i].token}` }, signal: AbortSignal.timeout(30_000) })
        await res.arrayBuffer()
        samples.push({ token: i, instance, sentAt, status: res.status })
      } catch {
        samples.push({ token: i, instance, sentAt, status: 0 })
      }
    }
  }
  const workers = Array.from({ length: WORKERS }, worker)
  await sleep(1_000)
  for (let i = 0; i < TOKENS; i++) {
    await sleep(LONG ? 700 : 400)
    // 503 means "not confirmed": retried until acknowledged.
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await call(a.url, 'DELETE', `/v1/tokens/${tokens[i].id}`)
      if (res.status === 204) {
        ackAt[i] = performance.now()
        break
      }
      t.equal(res.status, 503, `revocation ${i}: 204 or 503 (${res.status} ${res.text.slice(0, 100)})`)
      await sleep(100)
    }
    t.ok(Number.isFinite(ackAt[i]), `revocation ${i} acknowledged`)
  }
  await sleep(REVOCATION_BOUND_MS + 1_000)
  running = false
  await Promise.all(workers)

  const late = samples.filter(s => s.status >= 200 && s.status < 300 && s.sentAt > ackAt[s.token] + REVOCATION_BOUND_MS)
  const lateHere = samples.filter(s => s.instance === 'a' && s.status >= 200 && s.status < 300 && s.sentAt > ackAt[s.token])
  const before = samples.filter(s => s.sentAt < ackAt[s.token] - 50)
  const after = samples.filter(s => s.sentAt > ackAt[s.token] + REVOCATION_BOUND_MS)
  t.ok(before.filter(s => s.status === 200).length > 0, `requests before their revocation succeeded (${before.filter(s => s.status === 200).length} of ${before.length})`)
  t.ok(after.length > TOKENS, `requests were sent after the bound (${after.length})`)
  t.same(late.map(s => ({ ...s, msAfterAck: Math.round(s.sentAt - ackAt[s.token]) })), [], `no success more than ${REVOCATION_BOUND_MS} ms after acknowledgement, on either instance (${samples.length} requests)`)
  t.same(lateHere.map(s => ({ ...s, msAfterAck: Math.round(s.sentAt - ackAt[s.token]) })), [], 'none after acknowledgement on the instance that acknowledged')
  t.ok(after.every(s => s.status === 401 || s.status === 503), 'after the bound: 401 (or 503 while unconfirmed)')
  t.ok(after.filter(s => s.instance === 'b').some(s => s.status === 401), 'the other instance refuses them too')
})
