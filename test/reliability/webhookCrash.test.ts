// Kill -9 while webhooks are delivered: a real server (`gridledger serve` on a SQLite file) with two
// subscriptions (two tokens, two receivers that refuse one request in four, so retries are pending
// too) takes progress reports from concurrent writers and is killed with SIGKILL at a random moment,
// then restarted on the same file; three times (ten with GRIDLEDGER_RELIABILITY=long). After the
// last restart every event in the store reaches each receiver at least once, every request verifies
// with the Standard Webhooks library, and nothing else arrives.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { call, seedPlanOverHttp, startServer, type ServerChild } from '../support/reliabilityServer.js'
import { startReceiver, verified, type Receiver } from '../webhooks/support/receiver.js'

const LONG = process.env.GRIDLEDGER_RELIABILITY === 'long'
const TRIALS = LONG ? 10 : 3
const WRITERS = 4
t.setTimeout(LONG ? 60 * 60_000 : 15 * 60_000)

const ENV = { GRIDLEDGER_WEBHOOK_ALLOW_PRIVATE: '1', GRIDLEDGER_WEBHOOK_BACKOFF_BASE_MS: '20' }

async function post(server: ServerChild, path: string, body: unknown, token?: string) {
  const res = await call(server.url, 'POST', path, body, token ? { token } : {})
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.text}`)
  return res.json()
}

/** Writes progress reports until the server dies (it is killed after `killAfterMs`). */
async function writeUntilKilled(server: ServerChild, planId: string, actionIds: string[], trial: number, killAfterMs: number): Promise<number> {
  let dead = false
  let written = 0
  const killer = setTimeout(() => {
    dead = true
    server.child.kill('SIGKILL')
  }, killAfterMs)
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; !dead; i++) {
        try {
          const res = await call(server.url, 'POST', `/v1/plans/${planId}/actions/${actionIds[i % actionIds.length]}/progress`, { effectiveDate: '2008-06-30', note: `t${trial} w${w} n${i}` }, { timeoutMs: 15_000 })
          if (res.status === 201) written++
        } catch {
          return // killed with this request in flight
        }
      }
    }),
  )
  clearTimeout(killer)
  await server.exited
  return written
}

/** Every plan event's global position, from the admin's feed. */
async function allPositions(server: ServerChild): Promise<number[]> {
  const res = await call(server.url, 'GET', '/v1/feed?live=false', undefined, { timeoutMs: 60_000 })
  return [...res.text.matchAll(/^id: (\d+)$/gm)].map(m => Number(m[1]))
}

function positionsReceived(receiver: Receiver, secret: string): Set<number> {
  return new Set(receiver.received.map(got => verified(secret, got).position))
}

t.test('kill -9 during deliveries: every event reaches every subscriber at least once', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gridledger-webhook-crash-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const store = `sqlite:${join(dir, 'crash.db')}`
  const refuseSome = (_got: unknown, n: number) => (n % 4 === 3 ? 500 : 204)
  const receivers = [await startReceiver(refuseSome), await startReceiver(refuseSome)]
  t.teardown(() => Promise.all(receivers.map(r => r.close())))
  let server = await startServer({ store, env: ENV })
  t.teardown(() => server.kill())
  const commissioner = (await post(server, '/v1/tokens', { role: 'commissioner', label: 'second subscriber' })).token as string
  const hooks = [await post(server, '/v1/webhooks', { url: receivers[0].url }), await post(server, '/v1/webhooks', { url: receivers[1].url }, commissioner)]
  let written = 0
  for (let trial = 0; trial < TRIALS; trial++) {
    const plan = await seedPlanOverHttp(server.url, 2, `Crash DAAT ${trial}`)
    written += await writeUntilKilled(server, plan.planId, plan.actionIds, trial, 300 + Math.floor(Math.random() * 700))
    server = await startServer({ store, env: ENV })
  }
  const expected = await allPositions(server)
  t.ok(expected.length >= TRIALS * 5 + written, `${expected.length} events in the store (${written} progress reports acknowledged)`)
  const started = Date.now()
  for (const [i, receiver] of receivers.entries()) {
    for (;;) {
      const got = positionsReceived(receiver, hooks[i].secret)
      const missing = expected.filter(p => !got.has(p))
      if (missing.length === 0) break
      if (Date.now() - started > 180_000) {
        t.fail(`subscriber ${i + 1}: ${missing.length} events never delivered (first: ${missing.slice(0, 5).join(', ')})`)
        break
      }
      await new Promise(r => setTimeout(r, 50))
    }
    const got = positionsReceived(receiver, hooks[i].secret)
    t.same(expected.filter(p => !got.has(p)), [], `subscriber ${i + 1}: every one of ${expected.length} events delivered (${receiver.received.length} requests, each verified)`)
    t.same([...got].filter(p => !expected.includes(p)), [], `subscriber ${i + 1}: nothing that is not an event`)
  }
})
