// An import larger than EventStoreDB's maximum append size (here on its test stand-in, not
// EventStoreDB, with a small limit): refused whole with a 413 problem before anything is
// written, never a 503 that no retry can cure; within the limit it is recorded as one atomic
// append. Both append modes (BatchAppend advertised, and not).
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { openEsdbEventStore } from '../../src/store/esdbEventStore.js'
import { APPEND_MODES, startEsdbStandIn } from '../support/esdbStandIn.js'
import { startHarness } from '../support/harness.js'

const document = readFileSync(new URL('../fixtures/ealing-2006-07.txt', import.meta.url), 'utf8')

for (const mode of APPEND_MODES) {
  t.test(mode.name, async t => {
    for (const [limit, expect] of [[16 * 1024, 413], [1024 * 1024, 201]] as const) {
      const standIn = await startEsdbStandIn({ batchAppend: mode.batchAppend, maxAppendSize: limit })
      t.teardown(() => standIn.stop())
      const h = await startHarness({ eventStore: await openEsdbEventStore(standIn.url, { streamPrefix: `gl-${randomUUID().slice(0, 8)}-` }) })
      t.teardown(() => h.close())
      const before = standIn.eventCount
      const appendsBefore = standIn.appends.batch + standIn.appends.unary
      const res = await h.request({ method: 'POST', url: '/v1/imports', payload: document, headers: { 'content-type': 'text/plain; charset=utf-8' } })
      t.equal(res.statusCode, expect, `maximum append size ${limit} bytes: ${expect}`)
      if (expect === 413) {
        t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
        t.match(res.json(), { status: 413, detail: /at most 16384 bytes.*Nothing was recorded/ }, 'the problem says why and that nothing was recorded')
        t.equal(standIn.eventCount, before, 'nothing was written')
        t.same((await h.request({ method: 'GET', url: '/v1/plans' })).json().items, [], 'no plan')
      } else {
        const planId = res.json().planId as string
        const plan = (await h.request({ method: 'GET', url: `/v1/plans/${planId}` })).json()
        t.ok(plan.version > 50, `the whole plan, ${plan.version} events`)
        t.equal(standIn.appends.batch + standIn.appends.unary - appendsBefore, 1, 'recorded in one append: atomically')
        t.equal(standIn.eventCount - before, plan.version, 'every event of the plan, nothing else')
      }
    }
  })
}
