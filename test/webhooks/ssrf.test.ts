// The SSRF guard: without GRIDLEDGER_WEBHOOK_ALLOW_PRIVATE, a webhook URL must be https:// and
// every address its host resolves to public, both when subscribing (400 naming `url`) and at
// each delivery (a name that resolved to a public address then and to an internal one later is
// refused before any connection: DNS rebinding).
import t from 'tap'
import type { LookupAddress } from 'node:dns'
import { isPublicAddress, systemResolver } from '../../src/app/webhooks/addressGuard.js'
import { startHarness } from '../support/harness.js'

const PUBLIC = '93.184.215.14'

t.test('addresses: only public unicast ones are public', async t => {
  for (const a of [PUBLIC, '8.8.8.8', '2606:4700:4700::1111']) t.ok(isPublicAddress(a), `${a} is public`)
  for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '192.0.2.1', '::1', '::', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not an address']) {
    t.notOk(isPublicAddress(a), `${a} is not public`)
  }
})

t.test('subscribing to an internal or plain-http URL is refused, naming the field', async t => {
  const h = await startHarness({ webhooks: { allowPrivate: false, deliver: false } })
  t.teardown(() => h.close())
  const refused: Array<[string, RegExp]> = [
    [`http://${PUBLIC}/hook`, /https:\/\//],
    ['https://127.0.0.1/hook', /not a public address/],
    ['https://10.0.0.7/hook', /not a public address/],
    ['https://169.254.169.254/latest/meta-data', /not a public address/],
    ['https://[::1]/hook', /not a public address/],
    ['https://[::ffff:127.0.0.1]/hook', /not a public address/],
    ['https://localhost/hook', /localhost resolves to .*not a public address/],
    [`https://user:secret@${PUBLIC}/hook`, /user name or password/],
    ['not a url', /absolute URL/],
  ]
  for (const [url, reason] of refused) {
    const res = await h.request({ method: 'POST', url: '/v1/webhooks', payload: { url } })
    t.equal(res.statusCode, 400, `${url} → 400`)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.match(res.json().errors, [{ path: 'url', message: reason }], `${url}: the reason names url`)
  }
  t.same((await h.request({ method: 'GET', url: '/v1/webhooks' })).json().items, [], 'nothing was subscribed')
  const ok = await h.request({ method: 'POST', url: '/v1/webhooks', payload: { url: `https://${PUBLIC}/hook` } })
  t.equal(ok.statusCode, 201, 'a public https:// address is taken')
})

t.test('a name that resolves to an internal address at delivery time is refused then (DNS rebinding)', async t => {
  const asked: string[] = []
  // Public when the subscription is made, loopback ever after.
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    if (hostname !== 'rebind.example') return systemResolver(hostname)
    asked.push(hostname)
    return [{ address: asked.length === 1 ? PUBLIC : '127.0.0.1', family: 4 }]
  }
  const h = await startHarness({ webhooks: { allowPrivate: false, resolve, retry: { baseMs: 20, maxDelayMs: 40, retryForMs: 60_000, disableAfterMs: 120_000 } } })
  t.teardown(() => h.close())
  const created = await h.request({ method: 'POST', url: '/v1/webhooks', payload: { url: 'https://rebind.example/hook', types: ['PlanCreated'] } })
  t.equal(created.statusCode, 201, 'public when subscribed')
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09' } })
  const started = Date.now()
  let log: Array<{ outcome: string; status: number | null; error: string }> = []
  while (log.length === 0 && Date.now() - started < 20_000) {
    log = (await h.request({ method: 'GET', url: `/v1/webhooks/${created.json().id}/deliveries` })).json().items
    await new Promise(r => setTimeout(r, 10))
  }
  t.ok(log.length > 0, 'an attempt was logged')
  t.equal(log.at(-1)!.status, null, 'no answer: no connection was made')
  t.match(log.at(-1)!.error, /^refused: rebind\.example resolves to 127\.0\.0\.1, which is not a public address/)
  t.equal(log.at(-1)!.outcome, 'failed', 'and it is retried (the name may be fixed)')
})
