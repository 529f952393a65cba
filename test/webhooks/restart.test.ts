// Subscriptions, their checkpoints and their pending retries survive a restart on every store:
// SQLite (the same file), memory (the same store, within a process) and EventStoreDB (its test
// stand-in, not EventStoreDB; read models in memory, rebuilt at start). Before the restart the
// receiver takes the first event and refuses the rest; after it, it takes everything: each event
// arrives, the one taken before is not sent again, and the pending retry goes on from its count.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { esdbBackend, memoryBackend, sqliteBackend, type Backend } from '../../src/app/backends.js'
import { assembleGridLedger, type GridLedger } from '../../src/app/gridledger.js'
import type { RetryPolicy } from '../../src/app/webhooks/retryPolicy.js'
import { buildApp } from '../../src/http/app.js'
import type { EventStore } from '../../src/store/eventStore.js'
import { openEsdbEventStore } from '../../src/store/esdbEventStore.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { startEsdbStandIn } from '../support/esdbStandIn.js'
import { ADMIN_TOKEN, steppingClock } from '../support/harness.js'
import { startReceiver, until, verified } from './support/receiver.js'

const FAST: RetryPolicy = { baseMs: 20, maxDelayMs: 40, retryForMs: 60_000, disableAfterMs: 120_000 }

interface StoreKind {
  name: string
  /** A fresh backend on the same stored events each call. */
  open(): Promise<Backend>
  cleanup?(): Promise<void>
}

async function kinds(): Promise<StoreKind[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gridledger-webhooks-'))
  const memory = createMemoryEventStore()
  // The first ledger's close must not end the store the second one reopens (a process keeps it).
  const kept: EventStore = { ...memory, close: async () => undefined }
  const standIn = await startEsdbStandIn()
  const prefix = `wh-${Date.now()}-`
  return [
    { name: 'sqlite', open: async () => sqliteBackend(openSqliteEventStore(join(dir, 'hooks.db'))) },
    { name: 'memory (within a process)', open: async () => memoryBackend(kept) },
    { name: 'EventStoreDB (stand-in)', open: async () => esdbBackend(await openEsdbEventStore(standIn.url, { streamPrefix: prefix })), cleanup: () => standIn.stop() },
  ]
}

async function open(backend: Backend): Promise<{ ledger: GridLedger; request: (method: 'GET' | 'POST', url: string, payload?: object) => Promise<{ statusCode: number; json(): any }>; close(): Promise<void> }> {
  const ledger = await assembleGridLedger(backend, { clock: steppingClock(), adminToken: ADMIN_TOKEN, webhooks: { allowPrivate: true, retry: FAST }, deliverWebhooks: true })
  const app = await buildApp(ledger, { rateLimit: 0 })
  return {
    ledger,
    request: (method, url, payload) => app.inject({ method, url, ...(payload ? { payload } : {}), headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    close: async () => (await app.close(), await ledger.close()),
  }
}

t.test('subscriptions, checkpoints and pending retries survive a restart', async t => {
  for (const kind of await kinds()) {
    t.test(kind.name, async t => {
      t.teardown(() => kind.cleanup?.())
      let up = false
      const r = await startReceiver((_got, n) => (n === 0 || up ? 204 : 500))
      t.teardown(() => r.close())
      const first = await open(await kind.open())
      const hook = (await first.request('POST', '/v1/webhooks', { url: r.url })).json()
      const plan = (await first.request('POST', '/v1/plans', { partnership: 'Ealing DAAT', year: '2008/09' })).json()
      await first.request('POST', `/v1/plans/${plan.id}/grids`, { number: 1, title: 'Harm reduction' })
      await first.request('POST', `/v1/plans/${plan.id}/grids`, { number: 2, title: 'Workforce' })
      // The first event taken, the second failing and waiting for its retry.
      const pending = await until('a failed attempt at the second event', async () => {
        const log = (await first.request('GET', `/v1/webhooks/${hook.id}/deliveries`)).json().items
        const failed = log.filter((d: { outcome: string }) => d.outcome === 'failed')
        return failed.length >= 2 ? failed[0] : undefined
      })
      await first.close()
      const before = r.received.length
      up = true
      const second = await open(await kind.open())
      t.teardown(() => second.close())
      t.same((await second.request('GET', '/v1/webhooks')).json().items.map((w: { id: string }) => w.id), [hook.id], 'the subscription is still there')
      await until('all three events taken after the restart', () => {
        const taken = new Set(r.received.filter((_got, i) => i === 0 || i >= before).map(got => got.headers['webhook-id']))
        return taken.size >= 3 ? true : undefined
      })
      const payloads = r.received.map(got => verified(hook.secret, got))
      const afterRestart = payloads.slice(before)
      t.same(afterRestart.map(p => p.type), ['GridAdded', 'GridAdded'], 'the pending event and the one after it, once each; the one taken before not again')
      t.equal(afterRestart[0].position, pending.position, 'the retry resumed at the pending event')
      const log = (await second.request('GET', `/v1/webhooks/${hook.id}/deliveries`)).json().items
      const resumed = log.find((d: { position: number; outcome: string }) => d.position === pending.position && d.outcome === 'delivered')
      t.ok(resumed && resumed.attempt > pending.attempt, `its attempt count went on (${pending.attempt} → ${resumed?.attempt})`)
    })
  }
})

// A graceful close lets the request it finds in flight finish and logs its outcome, so a restart
// sends nothing twice. (A crash still can: delivery is at least once, and receivers dedupe by
// webhook-id.) Before, the close aborted the request after the receiver had it, logged nothing,
// and the next start sent the event again.
t.test('a delivery in flight when the server closes is finished and logged, not sent again', async t => {
  for (const kind of await kinds()) {
    t.test(kind.name, async t => {
      t.teardown(() => kind.cleanup?.())
      const r = await startReceiver((_got, n) => (n === 0 ? { status: 204, delayMs: 300 } : 204))
      t.teardown(() => r.close())
      const first = await open(await kind.open())
      const hook = (await first.request('POST', '/v1/webhooks', { url: r.url })).json()
      const plan = (await first.request('POST', '/v1/plans', { partnership: 'Ealing DAAT', year: '2008/09' })).json()
      await r.waitFor(1)
      await first.close()
      const second = await open(await kind.open())
      t.teardown(() => second.close())
      await second.request('POST', `/v1/plans/${plan.id}/grids`, { number: 1, title: 'Harm reduction' })
      await until('the grid delivered', () => (r.received.some(got => verified(hook.secret, got).type === 'GridAdded') ? true : undefined))
      t.same(r.received.map(got => verified(hook.secret, got).type), ['PlanCreated', 'GridAdded'], 'each event once')
      // The log's line comes after the receiver's answer.
      const log = await until('the grid in the log', async () => {
        const items = (await second.request('GET', `/v1/webhooks/${hook.id}/deliveries`)).json().items
        return items.some((d: { eventType: string }) => d.eventType === 'GridAdded') ? items : undefined
      })
      t.same(log.map((d: { eventType: string; attempt: number; outcome: string }) => [d.eventType, d.attempt, d.outcome]).reverse(), [['PlanCreated', 1, 'delivered'], ['GridAdded', 1, 'delivered']], 'the attempt in flight at the close is in the log as delivered')
    })
  }
})
