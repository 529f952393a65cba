// Several writers on one store: the CLI beside a running server (SQLite), and several API
// instances on one EventStoreDB (here its test stand-in, not a real server).
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { esdbBackend, sqliteBackend, type Backend } from '../../src/app/backends.js'
import { assembleGridLedger, type GridLedger } from '../../src/app/gridledger.js'
import { buildApp } from '../../src/http/app.js'
import { openEsdbEventStore } from '../../src/store/esdbEventStore.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { startEsdbStandIn } from '../support/esdbStandIn.js'
import { ADMIN_TOKEN, steppingClock } from '../support/harness.js'

async function instance(backend: Backend) {
  const ledger: GridLedger = await assembleGridLedger(backend, { clock: steppingClock(), adminToken: ADMIN_TOKEN })
  const app = await buildApp(ledger, { rateLimit: 0 })
  const request = (method: string, url: string, payload?: object, token = ADMIN_TOKEN) =>
    app.inject({ method: method as 'GET', url, ...(payload ? { payload } : {}), headers: { authorization: `Bearer ${token}` } })
  return { ledger, app, request, close: async () => (await app.close(), await ledger.close()) }
}

t.test('SQLite: a token minted by another process on the same file works at once', async t => {
  const path = join(mkdtempSync(join(tmpdir(), 'gridledger-')), 'shared.db')
  const server = await instance(sqliteBackend(openSqliteEventStore(path)))
  const cli = await instance(sqliteBackend(openSqliteEventStore(path))) // a second connection, as the CLI has
  t.teardown(async () => (await server.close(), await cli.close()))
  const issued = await cli.ledger.tokens.create({ role: 'commissioner', label: 'from the CLI' }, null)
  const res = await server.request('GET', '/v1/plans', undefined, issued.token)
  t.equal(res.statusCode, 200, 'the server knows the token without a restart')
  const plan = (await cli.request('POST', '/v1/plans', { partnership: 'Slough DAAT', year: '2009/10' })).json()
  const seen = (await server.request('GET', `/v1/plans/${plan.id}`)).json()
  t.equal(seen.partnership, 'Slough DAAT')
  t.equal((await server.request('POST', `/v1/plans/${plan.id}/grids`, { number: 1, title: 'Harm reduction' })).statusCode, 201, 'a write after the other process wrote: no stale version')
})

t.test('EventStoreDB stand-in: two API instances on one store', async t => {
  const standIn = await startEsdbStandIn()
  const a = await instance(esdbBackend(await openEsdbEventStore(standIn.url)))
  const b = await instance(esdbBackend(await openEsdbEventStore(standIn.url)))
  t.teardown(async () => (await a.close(), await b.close(), await standIn.stop()))
  const created = await a.request('POST', '/v1/plans', { partnership: 'Ealing DAAT', year: '2006/07' })
  t.equal(created.statusCode, 201)
  const planId = created.json().id
  t.equal((await b.request('GET', `/v1/plans/${planId}`)).json().partnership, 'Ealing DAAT', 'a write through one is read through the other')
  t.ok((await b.request('GET', '/v1/plans')).json().items.some((p: { id: string }) => p.id === planId), 'and listed by the other')
  const grid = await b.request('POST', `/v1/plans/${planId}/grids`, { number: 1, title: 'Commissioning' })
  t.equal(grid.statusCode, 201, 'the other instance writes on top')
  const grid2 = await a.request('POST', `/v1/plans/${planId}/grids`, { number: 2, title: 'Harm reduction' })
  t.equal(grid2.statusCode, 201, 'the first instance, with a stale cache, still writes correctly')
  t.equal(grid2.headers.etag, '"3"')
  const token = (await a.request('POST', '/v1/tokens', { role: 'auditor' })).json()
  t.equal((await b.request('GET', `/v1/plans/${planId}/history`, undefined, token.token)).statusCode, 200, 'a token minted through one works at the other')
  t.equal((await a.request('DELETE', `/v1/tokens/${token.id}`)).statusCode, 204)
  // Revocation reaches the other instance through its subscription.
  let code = 200
  for (let i = 0; i < 50 && code !== 401; i++) {
    await new Promise(r => setTimeout(r, 50))
    code = (await b.request('GET', '/v1/plans', undefined, token.token)).statusCode
  }
  t.equal(code, 401, 'and its revocation too')
  const key = { 'idempotency-key': 'same-key' }
  const once = await a.app.inject({ method: 'POST', url: `/v1/plans/${planId}/grids`, payload: { number: 3, title: 'x' }, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...key } })
  const twice = await b.app.inject({ method: 'POST', url: `/v1/plans/${planId}/grids`, payload: { number: 3, title: 'x' }, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...key } })
  t.equal(once.statusCode, 201)
  t.equal(twice.headers['idempotent-replayed'], 'true', 'an Idempotency-Key is honoured across instances')
  t.same(twice.json(), once.json())
  t.equal((await a.request('GET', `/v1/plans/${planId}/integrity`)).json().ok, true)
})

t.test('gridledger serve on the EventStoreDB stand-in serves the full API', async t => {
  const standIn = await startEsdbStandIn()
  t.teardown(() => standIn.stop())
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { PATH: process.env.PATH, GRIDLEDGER_STORE: standIn.url, GRIDLEDGER_ADMIN_TOKEN: ADMIN_TOKEN, PORT: '0', LOG_LEVEL: 'info', GRIDLEDGER_CLI: '1', GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => child.kill('SIGKILL'))
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', chunk => {
      out += chunk
      const m = /"port":(\d+)[^\n]*gridledger listening/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.on('exit', code => reject(new Error(`server exited ${code}: ${out}`)))
  })
  const base = `http://127.0.0.1:${port}`
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
  t.equal((await fetch(`${base}/ready`)).status, 200)
  const plan = await (await fetch(`${base}/v1/plans`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ partnership: 'Doncaster', year: '2017/18' }) })).json()
  t.match(plan, { id: String, version: 1 })
  const grid = await fetch(`${base}/v1/plans/${plan.id}/grids`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ number: 1, title: 'Section 1' }) })
  t.equal(grid.status, 201)
  const state = await (await fetch(`${base}/v1/plans/${plan.id}`, { headers: auth })).json()
  t.match(state, { partnership: 'Doncaster', version: 2, grids: [{ number: 1 }] })
  const stopped = new Promise(r => child.on('exit', r))
  child.kill('SIGTERM')
  t.equal(await stopped, 0, 'SIGTERM shuts it down cleanly')
})
