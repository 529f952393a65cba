// Webhooks end to end: subscriptions through the API, deliveries to a real receiver whose every
// request is verified with the Standard Webhooks library, retries, giving up, disabling, and a
// provider's scope.
import t, { type Test } from 'tap'
import { DEFAULT_TIMEOUT_MS } from '../../src/app/webhooks/dispatcher.js'
import { webhookLogStream } from '../../src/app/webhooks/registry.js'
import type { RetryPolicy } from '../../src/app/webhooks/retryPolicy.js'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'
import { startReceiver, until, verified, type Receiver } from './support/receiver.js'

/** Retries in milliseconds instead of seconds and hours. */
const FAST: RetryPolicy = { baseMs: 20, maxDelayMs: 40, retryForMs: 60_000, disableAfterMs: 120_000 }

async function harness(t: Test, retry: RetryPolicy = FAST, timeoutMs?: number): Promise<Harness> {
  const h = await startHarness({ webhooks: { allowPrivate: true, retry, ...(timeoutMs ? { timeoutMs } : {}) } })
  t.teardown(() => h.close())
  return h
}

async function receiver(t: Test, answer?: Receiver['answer']): Promise<Receiver> {
  const r = await startReceiver(answer)
  t.teardown(() => r.close())
  return r
}

async function subscribe(h: Harness, url: string, extra: object = {}, token?: string) {
  const res = await h.request({ method: 'POST', url: '/v1/webhooks', payload: { url, ...extra }, ...(token ? { token } : {}) })
  if (res.statusCode !== 201) throw new Error(`subscribe: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; url: string; types: string[]; secret: string }
}

async function deliveries(h: Harness, id: string, token?: string) {
  const res = await h.request({ method: 'GET', url: `/v1/webhooks/${id}/deliveries`, ...(token ? { token } : {}) })
  if (res.statusCode !== 200) throw new Error(`deliveries: ${res.statusCode} ${res.body}`)
  return res.json().items as Array<{ seq: number; messageId: string; position: number; eventType: string; attempt: number; outcome: string; status: number | null; error: string | null; nextAttemptAt: string | null }>
}

t.test('a subscription receives every event after it, in order, each signed to the Standard Webhooks spec', async t => {
  const h = await harness(t)
  const r = await receiver(t)
  const hook = await subscribe(h, r.url)
  t.match(hook.secret, /^whsec_[A-Za-z0-9+/]+=*$/, 'the secret is whsec_<base64>')
  const listed = (await h.request({ method: 'GET', url: '/v1/webhooks' })).json().items
  t.same(listed.map((w: { id: string }) => w.id), [hook.id], 'listed for its token')
  t.notOk('secret' in listed[0], 'the secret is shown once, not in the list')
  await seedPlan(h)
  // PlanCreated, GridAdded, ObjectiveAdded, ActionAdded.
  await r.waitFor(4)
  const payloads = r.received.map(got => verified(hook.secret, got))
  t.same(payloads.map(p => p.type), ['PlanCreated', 'GridAdded', 'ObjectiveAdded', 'ActionAdded'], 'every event, in order')
  const positions = payloads.map(p => p.position)
  t.same([...positions].sort((a, b) => a - b), positions, 'in global order')
  t.ok(payloads.every(p => typeof p.data.planId === 'string' && p.data.type === p.type), 'data is the history entry')
  t.same(r.received.map(got => got.headers['webhook-id']), positions.map(p => `msg_${hook.id}_${p}`), 'webhook-id is stable per event and subscription')
  t.ok(r.received.every(got => /^v1,[A-Za-z0-9+/]+=*$/.test(String(got.headers['webhook-signature']))), 'webhook-signature is v1,<base64>')
  const log = await until('four delivered in the log', async () => {
    const items = await deliveries(h, hook.id)
    return items.length >= 4 ? items : undefined
  })
  t.same(log.map(d => d.outcome), ['delivered', 'delivered', 'delivered', 'delivered'])
  t.same(log.map(d => d.position), [...positions].reverse(), 'newest first')
  t.ok(log.every(d => d.status === 204 && d.attempt === 1 && d.error === null))
})

t.test('types filters by event type; an unknown type is refused naming the field', async t => {
  const h = await harness(t)
  const r = await receiver(t)
  const bad = await h.request({ method: 'POST', url: '/v1/webhooks', payload: { url: r.url, types: ['ProgressReported', 'Nonsense'] } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: 'types.1' }])
  const hook = await subscribe(h, r.url, { types: ['ProgressReported'] })
  const f = await seedPlan(h)
  await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-06-30', note: 'first' } })
  await r.waitFor(1)
  await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-07-01', note: 'second' } })
  await r.waitFor(2)
  t.same(r.received.map(got => (verified(hook.secret, got).data.data as { note: string }).note), ['first', 'second'], 'both reports, verified')
  t.same(r.received.map(got => verified(hook.secret, got).type), ['ProgressReported', 'ProgressReported'], 'only progress reports')
})

t.test('a failing receiver is retried with the same webhook-id until it answers 2xx', async t => {
  const h = await harness(t)
  const r = await receiver(t, (_got, n) => (n < 2 ? 500 : 200))
  const hook = await subscribe(h, r.url, { types: ['PlanCreated'] })
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09' } })
  await r.waitFor(3)
  t.equal(new Set(r.received.map(got => got.headers['webhook-id'])).size, 1, 'one webhook-id across the retries')
  for (const got of r.received) t.equal(verified(hook.secret, got).type, 'PlanCreated', 'every attempt is signed')
  const log = await until('the delivery logged', async () => {
    const items = await deliveries(h, hook.id)
    return items[0]?.outcome === 'delivered' ? items : undefined
  })
  t.same(log.map(d => [d.attempt, d.outcome, d.status]), [[3, 'delivered', 200], [2, 'failed', 500], [1, 'failed', 500]])
  t.ok(log[1].nextAttemptAt && log[2].nextAttemptAt, 'a failed attempt says when the next is due')
  t.equal((await h.request({ method: 'GET', url: '/v1/webhooks' })).json().items[0].disabled, null, 'still active')
})

t.test('an event failing past the retry window is given up, and a subscription failing long enough is disabled with the reason', async t => {
  // The disable window is far longer than the retry window, so an event is given up before, even when a loaded machine makes one attempt slow.
  const h = await harness(t, { baseMs: 5, maxDelayMs: 10, retryForMs: 30, disableAfterMs: 1_500 })
  const r = await receiver(t, () => 503)
  const hook = await subscribe(h, r.url)
  const f = await seedPlan(h)
  // Events keep coming (each given up in turn) until the subscription has failed for the disable window.
  let n = 0
  const listed = await until('the subscription disabled', async () => {
    const [item] = (await h.request({ method: 'GET', url: '/v1/webhooks' })).json().items
    if (item.disabled) return item
    await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-06-30', note: `update ${n++}` } })
    await new Promise(res => setTimeout(res, 50))
    return undefined
  })
  t.match(listed.disabled.reason, /no delivery has succeeded since .* \(last: HTTP 503\)/, 'the reason is shown')
  const log = await deliveries(h, hook.id)
  t.ok(log.some(d => d.outcome === 'gave_up'), 'an event was given up after its retry window')
  const gaveUp = log.filter(d => d.outcome === 'gave_up').map(d => d.position)
  t.equal(new Set(gaveUp).size, gaveUp.length, 'each event given up once')
  const count = r.received.length
  await new Promise(res => setTimeout(res, 100))
  t.equal(r.received.length, count, 'nothing is sent once disabled')
})

t.test('410 Gone disables at once', async t => {
  const h = await harness(t)
  const r = await receiver(t, () => 410)
  await subscribe(h, r.url)
  await seedPlan(h)
  const item = await until('disabled', async () => {
    const [found] = (await h.request({ method: 'GET', url: '/v1/webhooks' })).json().items
    return found.disabled ? found : undefined
  })
  t.match(item.disabled.reason, /410 Gone/)
  t.equal(r.received.length, 1, 'one request, then nothing')
})

t.test('redirects are not followed', async t => {
  const h = await harness(t)
  const elsewhere = await receiver(t)
  const r = await receiver(t, () => ({ status: 307, headers: { location: elsewhere.url } }))
  const hook = await subscribe(h, r.url, { types: ['PlanCreated'] })
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09' } })
  const first = await until('an attempt logged', async () => (await deliveries(h, hook.id)).at(-1))
  t.equal(first.status, 307)
  t.equal(first.outcome, 'failed')
  t.match(first.error, /redirects are not followed/)
  t.equal(elsewhere.received.length, 0, 'the redirect target was never asked')
})

t.test('a receiver that does not answer in time is a failed attempt (5 s by default)', async t => {
  t.equal(DEFAULT_TIMEOUT_MS, 5_000)
  const h = await harness(t, FAST, 200)
  const r = await receiver(t, () => 'hang')
  const hook = await subscribe(h, r.url, { types: ['PlanCreated'] })
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09' } })
  const first = await until('an attempt logged', async () => (await deliveries(h, hook.id)).at(-1))
  t.equal(first.status, null)
  t.match(first.error, /timed out after 200 ms/)
})

t.test("a provider receives only the entries about actions its labels own, in plans it may see", async t => {
  const h = await harness(t)
  const r = await receiver(t)
  const provider = await h.token('provider', ['CNWL'], 'CNWL system')
  const hook = await subscribe(h, r.url, {}, provider.token)
  const f = await seedPlan(h) // one action owned by CNWL and DM
  const post = async (url: string, payload: object) => (await h.request({ method: 'POST', url, payload })).json()
  const other = await post(`/v1/plans/${f.planId}/objectives/${f.objectiveId}/actions`, { text: 'Not CNWL', owners: ['WDP'] })
  await post(`/v1/plans/${f.planId}/actions/${other.id}/progress`, { effectiveDate: '2008-06-30', note: 'WDP secret' })
  const elsewhere = await post('/v1/plans', { partnership: 'Slough DAAT', year: '2009/10' })
  await post(`/v1/plans/${f.planId}/actions/${f.actionId}/progress`, { effectiveDate: '2008-06-30', note: 'CNWL update' })
  await until('the CNWL update delivered', () => (r.received.some(got => verified(hook.secret, got).type === 'ProgressReported') ? true : undefined))
  const payloads = r.received.map(got => verified(hook.secret, got))
  t.ok(payloads.every(p => p.data.actionId === f.actionId), 'every entry is about the CNWL action')
  t.notOk(payloads.some(p => p.data.planId === elsewhere.id), 'nothing from a plan it cannot see')
  t.notOk(JSON.stringify(payloads).includes('WDP secret'), "nothing about another provider's action")
  t.ok(payloads.some(p => p.type === 'ActionAdded'), "its action's creation is there")
  // Another token's webhooks are not the provider's to see.
  const mine = (await h.request({ method: 'GET', url: '/v1/webhooks', token: provider.token })).json().items
  t.same(mine.map((w: { id: string }) => w.id), [hook.id])
  t.equal((await h.request({ method: 'GET', url: '/v1/webhooks' })).json().items.length, 0, 'the admin has none of its own')
  t.equal((await h.request({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries` })).statusCode, 404, "another token's log is 404")
  t.equal((await h.request({ method: 'DELETE', url: `/v1/webhooks/${hook.id}` })).statusCode, 404, "another token's webhook cannot be deleted")
})

t.test('a deleted subscription receives nothing more', async t => {
  const h = await harness(t)
  const r = await receiver(t)
  const hook = await subscribe(h, r.url, { types: ['PlanCreated'] })
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09' } })
  await r.waitFor(1)
  t.equal((await h.request({ method: 'DELETE', url: `/v1/webhooks/${hook.id}` })).statusCode, 204)
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Slough DAAT', year: '2009/10' } })
  await new Promise(res => setTimeout(res, 200))
  t.equal(r.received.length, 1)
  t.same((await h.request({ method: 'GET', url: '/v1/webhooks' })).json().items, [])
})

t.test('deleting a subscription does not wait for its request in flight, which still ends in the log', async t => {
  // A receiver that never answers: the attempt ends at its time limit (3 s here). The DELETE is
  // answered before that; the attempt, already sent, is logged when it ends, and nothing follows.
  const h = await harness(t, FAST, 3_000)
  const r = await receiver(t, () => 'hang')
  const hook = await subscribe(h, r.url, { types: ['PlanCreated'] })
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09' } })
  await r.waitFor(1)
  const log = webhookLogStream(hook.id)
  t.equal((await h.request({ method: 'DELETE', url: `/v1/webhooks/${hook.id}` })).statusCode, 204, 'deleted')
  t.equal(await h.ledger.store.streamVersion(log), 0, 'answered while the attempt is still in flight')
  await until('the attempt logged', async () => ((await h.ledger.store.streamVersion(log)) > 0 ? true : undefined))
  const [attempt] = await h.ledger.store.readStream(log)
  t.match((attempt.data as { error: string }).error, /timed out after 3000 ms/, 'logged as what it was')
  t.equal(r.received.length, 1, 'nothing was sent after the deletion')
})

t.test('revoking the token that made a subscription disables it', async t => {
  const h = await harness(t)
  const r = await receiver(t)
  const commissioner = await h.token('commissioner')
  await subscribe(h, r.url, {}, commissioner.token)
  await h.request({ method: 'DELETE', url: `/v1/tokens/${commissioner.id}` })
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09' } })
  const record = await until('disabled', () => {
    const found = h.ledger.readModels.list<{ disabled: { reason: string } | null }>('webhooks')[0]
    return found?.disabled ? found : undefined
  })
  t.match(record.disabled!.reason, /revoked/)
  t.equal(r.received.length, 0, 'nothing was sent for the revoked token')
})
