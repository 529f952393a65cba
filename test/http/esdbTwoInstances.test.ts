// Two API instances on one EventStoreDB (its test stand-in, not EventStoreDB), in both append
// modes: an Idempotency-Key retried on the other instance replays the first answer (also when
// both instances get the key's first use at once), and a write on one is read on the other
// within one second.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { esdbBackend } from '../../src/app/backends.js'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { buildApp } from '../../src/http/app.js'
import { openEsdbEventStore } from '../../src/store/esdbEventStore.js'
import { APPEND_MODES, startEsdbStandIn } from '../support/esdbStandIn.js'
import { ADMIN_TOKEN, steppingClock } from '../support/harness.js'

async function instance(url: string, streamPrefix: string) {
  const ledger = await assembleGridLedger(esdbBackend(await openEsdbEventStore(url, { streamPrefix })), { clock: steppingClock(), adminToken: ADMIN_TOKEN })
  const app = await buildApp(ledger, { rateLimit: 0 })
  const request = (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, ...(payload ? { payload } : {}), headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } })
  return { request, close: async () => (await app.close(), await ledger.close()) }
}

for (const mode of APPEND_MODES) {
  t.test(mode.name, async t => {
    const standIn = await startEsdbStandIn({ batchAppend: mode.batchAppend })
    const prefix = `gl-${randomUUID().slice(0, 8)}-`
    const a = await instance(standIn.url, prefix)
    const b = await instance(standIn.url, prefix)
    t.teardown(async () => (await a.close(), await b.close(), await standIn.stop()))
    const post = async (via: typeof a, url: string, payload: object) => {
      const res = await via.request('POST', url, payload)
      if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
      return res.json()
    }
    const plan = await post(a, '/v1/plans', { partnership: 'Ealing DAAT', year: '2008/09' })
    const grid = await post(a, `/v1/plans/${plan.id}/grids`, { number: 1, title: 'Harm reduction' })
    const objective = await post(a, `/v1/plans/${plan.id}/grids/${grid.id}/objectives`, { number: '1', text: 'Reduce drug related deaths', outcomes: ['Fewer deaths'] })
    const action = await post(a, `/v1/plans/${plan.id}/objectives/${objective.id}/actions`, { number: '1.1', text: 'Train staff in naloxone', due: 'Qtr 2', owners: ['CNWL'] })
    const progress = `/v1/plans/${plan.id}/actions/${action.id}/progress`

    t.test('a write on one is read on the other within one second', async t => {
      for (let i = 0; i < 5; i++) {
        const writer = i % 2 === 0 ? a : b
        const reader = writer === a ? b : a
        const written = await writer.request('POST', progress, { effectiveDate: '2008-06-30', note: `update ${i}` })
        t.equal(written.statusCode, 201)
        const version = Number(JSON.parse(written.headers.etag as string))
        const started = Date.now()
        let seen = 0
        while (Date.now() - started < 1_000) {
          seen = (await reader.request('GET', `/v1/plans/${plan.id}`)).json().version
          if (seen >= version) break
          await new Promise(r => setTimeout(r, 10))
        }
        t.ok(seen >= version, `write ${i + 1} (version ${version}) read on the other instance after ${Date.now() - started} ms`)
        const listed = (await reader.request('GET', '/v1/plans')).json().items.find((p: { id: string }) => p.id === plan.id)
        t.ok(listed, 'and the plan is listed there')
      }
    })

    t.test('an Idempotency-Key retried on the other instance replays the first answer', async t => {
      const key = { 'idempotency-key': `retry-${randomUUID()}` }
      const body = { effectiveDate: '2008-06-30', note: 'sent once, retried elsewhere' }
      const first = await a.request('POST', progress, body, key)
      t.equal(first.statusCode, 201)
      const retried = await b.request('POST', progress, body, key)
      t.equal(retried.statusCode, 201)
      t.equal(retried.headers['idempotent-replayed'], 'true')
      t.same(retried.json(), first.json(), 'the first answer, verbatim')
      t.equal(retried.headers.etag, first.headers.etag)
      t.equal((await b.request('POST', progress, { ...body, note: 'another body' }, key)).statusCode, 422, 'another body on the other instance: 422')
    })

    t.test("the key's first use reaching both instances at once is recorded once", async t => {
      for (let round = 0; round < 3; round++) {
        const key = { 'idempotency-key': `both-${round}-${randomUUID()}` }
        const body = { effectiveDate: '2008-06-30', note: `both at once ${round}` }
        const [ra, rb] = await Promise.all([a.request('POST', progress, body, key), b.request('POST', progress, body, key)])
        t.same([ra.statusCode, rb.statusCode], [201, 201], `round ${round + 1}: both answer 201`)
        t.same(rb.json(), ra.json(), 'with the same answer')
        const history = (await a.request('GET', `/v1/plans/${plan.id}/history?actionId=${action.id}&limit=1000`)).json()
        t.equal(history.items.filter((e: { data?: { note?: string } }) => e.data?.note === body.note).length, 1, 'recorded once')
      }
    })
  })
}
