// GET /metrics: Prometheus text through prom-client, never public. The figures come from real
// requests against a real SQLite store: request counts and durations by route and status, appends,
// group-commit sizes and WAL syncs (through the store's observer), projection lag, idempotency records.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryBackend, sqliteBackend } from '../../src/app/backends.js'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { createMetrics } from '../../src/app/metrics.js'
import { buildApp } from '../../src/http/app.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { ADMIN_TOKEN, steppingClock } from '../support/harness.js'
import { call, startServer } from '../support/reliabilityServer.js'

const dir = mkdtempSync(join(tmpdir(), 'gridledger-metrics-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const METRICS_TOKEN = 'metrics-token-0123456789abcdef'

/** The value of one sample line, e.g. sample(text, 'gridledger_store_appends_total'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find(l => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('metrics through inject: protected by their own token, fed by the store observer', async t => {
  const metrics = createMetrics({ processMetrics: false })
  const store = openSqliteEventStore(join(dir, 'inject.db'), { observer: metrics.storeObserver })
  const ledger = await assembleGridLedger(sqliteBackend(store), { clock: steppingClock(), adminToken: ADMIN_TOKEN })
  metrics.watch(ledger)
  const app = await buildApp(ledger, { rateLimit: 0, metrics: { metrics, token: METRICS_TOKEN } })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
  })
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
  const created = await Promise.all(
    Array.from({ length: 8 }, (_, i) => app.inject({ method: 'POST', url: '/v1/plans', payload: { partnership: `P${i}`, year: '2008/09' }, headers: { ...auth, 'idempotency-key': `k${i}` } })),
  )
  t.ok(created.every(r => r.statusCode === 201))
  t.equal((await app.inject({ method: 'POST', url: '/v1/plans', payload: { partnership: '', year: '2008/09' }, headers: auth })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: '/v1/plans', headers: auth })).statusCode, 200)

  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401, 'no token: refused')
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: auth })).statusCode, 401, 'an API token (even admin) is not the metrics token')
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = res.body
  t.equal(sample(text, 'gridledger_http_requests_total{method="POST",route="/v1/plans",status="201"}'), 8, 'requests by route and status')
  t.equal(sample(text, 'gridledger_http_requests_total{method="POST",route="/v1/plans",status="400"}'), 1)
  t.equal(sample(text, 'gridledger_http_request_duration_seconds_count{method="GET",route="/v1/plans",status="200"}'), 1, 'durations by route and status')
  t.equal(sample(text, 'gridledger_store_appends_total'), 8, 'appends')
  t.equal(sample(text, 'gridledger_store_events_appended_total'), 8)
  const commits = sample(text, 'gridledger_store_group_commit_appends_count')!
  t.ok(commits >= 1 && commits <= 8, `group commits (${commits}) carried the appends`)
  t.equal(sample(text, 'gridledger_store_group_commit_appends_sum'), 8)
  t.ok(sample(text, 'gridledger_store_fsync_duration_seconds_count')! >= 1, 'WAL syncs timed')
  t.equal(sample(text, 'gridledger_projection_lag_events{projection="planCatalogue"}'), 0, 'projection lag per projection')
  t.equal(sample(text, 'gridledger_projection_lag_events{projection="tokens"}'), 0)
  t.equal(sample(text, 'gridledger_idempotency_records'), 8, 'idempotency records kept')
})

t.test('projection lag counts the events a projection has not applied', async t => {
  const metrics = createMetrics({ processMetrics: false })
  const ledger = await assembleGridLedger(memoryBackend(createMemoryEventStore()), { clock: steppingClock(), adminToken: ADMIN_TOKEN })
  t.teardown(() => ledger.close())
  metrics.watch(ledger)
  t.equal(sample(await metrics.registry.metrics(), 'gridledger_projection_lag_events{projection="tokens"}'), 0)
  // Stop the projections, then append past them.
  await ledger.projections.close()
  for (let i = 0; i < 3; i++) {
    await ledger.store.append(`other-${i}`, [{ id: randomUUID(), type: 'SomethingElse', schemaVersion: 1, data: { i }, metadata: {}, recordedAt: new Date().toISOString() }], { expectedVersion: 0 })
  }
  const text = await metrics.registry.metrics()
  t.equal(sample(text, 'gridledger_projection_lag_events{projection="tokens"}'), 3)
  t.equal(sample(text, 'gridledger_projection_lag_events{projection="planCatalogue"}'), 3, 'behind the head, per projection')
  t.equal(sample(text, 'gridledger_idempotency_records'), 0, 'the memory store counts its idempotency records too')
})

t.test('no metrics route unless asked for; a real server serves them on their own port', async t => {
  const plain = await startServer({ store: `sqlite:${join(dir, 'plain.db')}` })
  t.teardown(() => plain.kill())
  t.equal((await call(plain.url, 'GET', '/metrics', undefined, { token: null })).status, 404, 'not public by default')
  t.equal((await call(plain.url, 'GET', '/metrics')).status, 404, 'not even to the admin')
  await plain.kill('SIGTERM')

  const server = await startServer({ store: `sqlite:${join(dir, 'port.db')}`, env: { GRIDLEDGER_METRICS_PORT: '0' } })
  t.teardown(() => server.kill())
  const m = /"port":(\d+)[^\n]*"msg":"metrics listening"/.exec(server.log())
  t.ok(m, 'the metrics port is logged')
  t.equal((await call(server.url, 'POST', '/v1/plans', { partnership: 'Slough DAAT', year: '2009/10' })).status, 201)
  t.equal((await call(server.url, 'GET', '/metrics', undefined, { token: null })).status, 404, 'not on the API port')
  const res = await fetch(`http://127.0.0.1:${m![1]}/metrics`)
  t.equal(res.status, 200)
  const text = await res.text()
  t.equal(sample(text, 'gridledger_http_requests_total{method="POST",route="/v1/plans",status="201"}'), 1)
  t.ok(sample(text, 'gridledger_store_appends_total')! >= 1)
  t.match(text, /gridledger_process_resident_memory_bytes \d+/, 'process metrics too')
})
