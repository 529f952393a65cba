// GET /v1/plans/{planId}/changes through the API: roles, validation, and the answer's shape.
import t from 'tap'
import { seedPlan, startHarness } from '../support/harness.js'

t.test('changes between two instants, through the API', async t => {
  const h = await startHarness({ clockStart: '2008-06-01T09:00:00.000Z' })
  t.teardown(() => h.close())
  const { planId, actionId } = await seedPlan(h)
  const from = h.clock().toISOString()
  h.clock.set('2008-07-15T09:00:00.000Z')
  t.equal((await h.request({ method: 'PATCH', url: `/v1/plans/${planId}/actions/${actionId}`, payload: { due: 'Qtr 3' } })).statusCode, 200)
  t.equal((await h.request({ method: 'PUT', url: `/v1/plans/${planId}/actions/${actionId}/rag`, payload: { rag: 'red', effectiveDate: '2008-07-01' } })).statusCode, 200)
  const to = h.clock().toISOString()

  const res = await h.request({ method: 'GET', url: `/v1/plans/${planId}/changes?from=${from}&to=${to}` })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same({ from: body.from, to: body.to, added: body.added, withdrawn: body.withdrawn }, { from, to, added: [], withdrawn: [] })
  t.same(body.changed.map((c: { field: string }) => c.field), ['due', 'rag'])
  t.match(body.changed[0], { kind: 'action', id: actionId, before: { text: 'Qtr 2' }, after: { text: 'Qtr 3' } })

  // effectiveOn before the rating: the RAG did not change as of that date.
  const early = (await h.request({ method: 'GET', url: `/v1/plans/${planId}/changes?from=${from}&to=${to}&effectiveOn=2008-06-30` })).json()
  t.same(early.changed.map((c: { field: string }) => c.field), ['due'])

  // Before the plan: everything added.
  const all = (await h.request({ method: 'GET', url: `/v1/plans/${planId}/changes?from=2008-01-01T00:00:00Z&to=${to}` })).json()
  t.same(all.added.map((i: { kind: string }) => i.kind), ['grid', 'objective', 'action'])
  t.equal(all.from, '2008-01-01T00:00:00.000Z')

  const auditor = await h.token('auditor')
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${planId}/changes?from=${from}&to=${to}`, token: auditor.token })).statusCode, 200)
  const provider = await h.token('provider', ['CNWL'])
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${planId}/changes?from=${from}&to=${to}`, token: provider.token })).statusCode, 403)
  const missing = await h.request({ method: 'GET', url: `/v1/plans/${planId}/changes?from=${from}` })
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { errors: [{ path: /to/ }] })
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${planId}/changes?from=yesterday&to=${to}` })).statusCode, 400)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/nope/changes?from=${from}&to=${to}` })).statusCode, 404)
})
