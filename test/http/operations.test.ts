// What operators and client authors rely on beyond the routes themselves.
import t from 'tap'
import type { InjectOptions } from 'fastify'
import SwaggerParser from '@apidevtools/swagger-parser'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import { memoryBackend, sqliteBackend } from '../../src/app/backends.js'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { buildApp } from '../../src/http/app.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { ADMIN_TOKEN, seedPlan, startHarness, steppingClock } from '../support/harness.js'

t.test('the OpenAPI document validates and lists every route', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const doc = (await h.request({ method: 'GET', url: '/openapi.json', token: null })).json()
  await t.resolves(SwaggerParser.validate(structuredClone(doc)), 'a valid OpenAPI 3 document')
  const documented = new Set<string>()
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
  }
  const served = [...new Set(h.app.routeTable)].filter(r => !r.startsWith('HEAD ') && !/ \/docs/.test(r) && r !== 'GET /openapi.json')
  t.same(served.filter(r => !documented.has(r)), [], 'every served route is documented')
})

t.test('an Idempotency-Key survives a restart of the server', async t => {
  const path = join(mkdtempSync(join(tmpdir(), 'gridledger-')), 'restart.db')
  const open = async () => {
    const ledger = await assembleGridLedger(sqliteBackend(openSqliteEventStore(path)), { clock: steppingClock(), adminToken: ADMIN_TOKEN })
    const app = await buildApp(ledger, { rateLimit: 0 })
    return { ledger, app }
  }
  let { ledger, app } = await open()
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
  const payload = { partnership: 'Slough DAAT', year: '2009/10' }
  const first = await app.inject({ method: 'POST', url: '/v1/plans', payload, headers: { ...auth, 'idempotency-key': 'create-slough' } })
  t.equal(first.statusCode, 201)
  await app.close()
  await ledger.close()
  ;({ ledger, app } = await open())
  t.teardown(async () => {
    await app.close()
    await ledger.close()
  })
  const repeat = await app.inject({ method: 'POST', url: '/v1/plans', payload, headers: { ...auth, 'idempotency-key': 'create-slough' } })
  t.equal(repeat.statusCode, 201)
  t.equal(repeat.headers['idempotent-replayed'], 'true')
  t.same(repeat.json(), first.json())
  t.equal(repeat.headers.location, first.headers.location)
  const list = (await app.inject({ method: 'GET', url: '/v1/plans', headers: auth })).json()
  t.equal(list.items.length, 1, 'one plan, not two')
})

t.test('rate limit per token: 429 with Retry-After, as a problem', async t => {
  const h = await startHarness({ rateLimit: 5 })
  t.teardown(() => h.close())
  const other = (await h.token('auditor')).token
  const codes: number[] = []
  for (let i = 0; i < 7; i++) codes.push((await h.request({ method: 'GET', url: '/v1/plans' })).statusCode)
  t.same(codes, [200, 200, 200, 200, 429, 429, 429], 'the admin token spent one request minting a token')
  const limited = await h.request({ method: 'GET', url: '/v1/plans' })
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After given')
  t.match(limited.json(), { status: 429, title: String, detail: /rate limit/i })
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: other })).statusCode, 200, 'another token has its own budget')
  t.equal((await h.request({ method: 'GET', url: '/health', token: null })).statusCode, 200, 'health is never limited')
})

t.test('a real 500 logs its stack and answers a problem without internals; logs never hold a token', async t => {
  const lines: string[] = []
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(chunk.toString()); cb() } })
  const { createMemoryEventStore } = await import('../../src/store/memoryEventStore.js')
  const ledger = await assembleGridLedger(memoryBackend(createMemoryEventStore()), { clock: steppingClock(), adminToken: ADMIN_TOKEN })
  const app = await buildApp(ledger, { rateLimit: 0, logger: pino({ level: 'info' }, sink) })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
  })
  const h = { app, request: (o: InjectOptions) => app.inject(o) }
  const token = (await h.request({ method: 'POST', url: '/v1/tokens', payload: { role: 'commissioner' }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json().token as string
  ledger.plans.list = async () => {
    throw new Error('secret internal detail at /srv/db')
  }
  const res = await h.request({ method: 'GET', url: '/v1/plans', headers: { authorization: `Bearer ${token}` } })
  t.equal(res.statusCode, 500)
  t.match(res.json(), { status: 500, title: String })
  t.notMatch(res.body, /secret internal detail/, 'no internals in the answer')
  const log = lines.join('')
  t.match(log, /secret internal detail/, 'the error is logged')
  t.match(log, /"stack":/, 'with its stack')
  t.match(log, /"route":"\/v1\/plans","method":"GET","status":500/, 'each request is logged with route and status')
  t.match(log, /"tokenId":"[0-9a-f-]{36}"/, 'and the token id')
  t.notOk(log.includes(token), 'never the token')
  t.notOk(log.includes(ADMIN_TOKEN), 'never the admin token')
})

t.test('read-your-writes: the catalogue shows a command as soon as it is acknowledged', async t => {
  const h = await startHarness({ store: 'sqlite' })
  t.teardown(() => h.close())
  for (let i = 0; i < 5; i++) {
    const f = await seedPlan(h)
    const list = (await h.request({ method: 'GET', url: '/v1/plans' })).json()
    t.ok(list.items.some((p: { id: string; version: number }) => p.id === f.planId && p.version === 4), `plan ${i + 1} listed at its version`)
  }
})

t.test('every response carries the security headers, errors and the docs page included', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const answers = [
    await h.request({ method: 'GET', url: '/health', token: null }),
    await h.request({ method: 'GET', url: '/v1/plans', token: null }),
    await h.request({ method: 'GET', url: '/no/such/route', token: null }),
    await h.request({ method: 'GET', url: '/v1/plans' }),
  ]
  t.same(answers.map(a => a.statusCode), [200, 401, 404, 200])
  for (const a of answers) {
    t.match(a.headers['content-security-policy'], /default-src 'self'/, `CSP on a ${a.statusCode}`)
    t.match(a.headers['content-security-policy'], /script-src 'self'/)
    t.equal(a.headers['x-content-type-options'], 'nosniff')
    t.equal(a.headers['x-frame-options'], 'SAMEORIGIN')
    t.match(a.headers['strict-transport-security'], /max-age=\d+/)
    t.equal(a.headers['referrer-policy'], 'no-referrer')
    t.equal(a.headers['cross-origin-opener-policy'], 'same-origin')
  }
})
