// POST /v1/plans/{planId}/progress: a provider's monthly sync in one request, all or nothing.
import t from 'tap'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'

async function plan(h: Harness) {
  const f = await seedPlan(h)
  const add = async (number: string, owners: string[]) =>
    (await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/objectives/${f.objectiveId}/actions`, payload: { number, text: `Action ${number}`, owners } })).json().id as string
  return { ...f, second: await add('1.2', ['cnwl']), others: await add('1.3', ['Turning Point']) }
}
const item = (actionId: string, note: string, extra: object = {}) => ({ actionId, effectiveDate: '2008-07-15', note, ...extra })

t.test('a provider reports on many of its actions at once', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await plan(h)
  const provider = await h.token('provider', ['CNWL'], 'CNWL case system')
  const res = await h.request({
    method: 'POST',
    url: `/v1/plans/${f.planId}/progress`,
    token: provider.token,
    payload: { items: [item(f.actionId, 'July: 12 trained', { status: 'in_progress', percentComplete: 40 }), item(f.second, 'July: started', { furtherAction: 'Book venue' })] },
  })
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.equal(body.items.length, 2)
  t.equal(body.version, 8)
  t.equal(res.headers.etag, '"8"')
  const history = (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/history?after=6` })).json().items
  t.same(history.map((e: { type: string; actionId: string; data: { note: string } }) => [e.type, e.actionId, e.data.note]), [
    ['ProgressReported', f.actionId, 'July: 12 trained'],
    ['ProgressReported', f.second, 'July: started'],
  ])
  t.equal(new Set(body.items.map((i: { eventId: string }) => i.eventId)).size, 2, 'an event id per item')
  t.equal(new Set(history.map((e: { recordedAt: string }) => e.recordedAt)).size, 1, 'one append, one recorded instant')
  const state = (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}`, token: provider.token })).json()
  t.match(state.grids[0].objectives[0].actions[0].progress, { note: 'July: 12 trained', percentComplete: 40 })
})

t.test("all or nothing: one item out of the provider's scope, unknown or invalid refuses the batch and names it", async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await plan(h)
  const provider = await h.token('provider', ['CNWL'])
  const before = await h.store.headPosition()
  const post = (items: unknown[], token = provider.token) => h.request({ method: 'POST', url: `/v1/plans/${f.planId}/progress`, token, payload: { items } })

  const forbidden = await post([item(f.actionId, 'ok'), item(f.others, 'not mine')])
  t.equal(forbidden.statusCode, 403)
  t.match(forbidden.json(), { detail: /^items\.1: .*nothing was recorded$/, errors: [{ path: 'items.1' }] })

  const unknown = await post([item(f.actionId, 'ok'), item(f.second, 'ok'), item('no-such-action', 'x')])
  t.equal(unknown.statusCode, 404)
  t.match(unknown.json().errors, [{ path: 'items.2' }])

  const invalid = await post([item(f.actionId, 'ok'), item(f.second, 'x', { percentComplete: 140 })])
  t.equal(invalid.statusCode, 400)
  t.match(invalid.json().errors, [{ path: 'items.1.percentComplete' }])

  t.equal((await post([])).statusCode, 400, 'at least one item')
  t.equal((await post(Array.from({ length: 501 }, () => item(f.actionId, 'x')))).statusCode, 400, 'at most 500 items')
  t.equal((await post([item(f.actionId, 'x')], (await h.token('auditor')).token)).statusCode, 403, 'auditors record nothing')
  t.equal(await h.store.headPosition(), before + 1, 'nothing recorded (the auditor token minted aside)')

  const full = await post(Array.from({ length: 500 }, (_, i) => item(i % 2 ? f.actionId : f.second, `entry ${i}`)))
  t.equal(full.statusCode, 201, '500 items are taken')
  t.equal(full.json().items.length, 500)
})

t.test('one Idempotency-Key for the batch: a retried sync records nothing twice', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await plan(h)
  const provider = await h.token('provider', ['CNWL'])
  const payload = { items: [item(f.actionId, 'August'), item(f.second, 'August')] }
  const send = (body: object) => h.request({ method: 'POST', url: `/v1/plans/${f.planId}/progress`, token: provider.token, headers: { 'idempotency-key': 'sync-2008-08' }, payload: body })
  const first = await send(payload)
  t.equal(first.statusCode, 201)
  const head = await h.store.headPosition()
  const again = await send(payload)
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json(), 'the first answer again')
  t.equal(await h.store.headPosition(), head, 'nothing recorded twice')
  t.equal((await send({ items: [item(f.actionId, 'September')] })).statusCode, 422, 'the key with another batch')
})
