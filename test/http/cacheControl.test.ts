// Cache-Control per the contract (API.md, "Reads"): authenticated answers `private, no-cache`,
// token answers `no-store`; and the router's own refusals (a path that is not UTF-8) are
// problem+json with the usual headers.
import t from 'tap'
import { seedPlan, startHarness } from '../support/harness.js'

t.test('authenticated answers carry Cache-Control: private, no-cache; token answers no-store', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const auditor = await h.token('auditor')
  const reads = [
    `/v1/plans`,
    `/v1/plans/${f.planId}`,
    `/v1/plans/${f.planId}?asOf=2030-01-01T00:00:00Z`,
    `/v1/plans/${f.planId}/reports/quarterly?quarter=1`,
    `/v1/plans/${f.planId}/reports/quarterly?quarter=1&format=csv`,
    `/v1/plans/${f.planId}/reports/quarterly?quarter=1&format=xlsx`,
    `/v1/plans/${f.planId}/history`,
    `/v1/plans/${f.planId}/history?format=csv`,
    `/v1/plans/${f.planId}/integrity`,
  ]
  for (const url of reads) {
    const res = await h.request({ method: 'GET', url, token: auditor.token })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['cache-control'], 'private, no-cache', `GET ${url}`)
  }
  const command = await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/grids`, payload: { number: 7, title: 'Housing' } })
  t.equal(command.statusCode, 201)
  t.equal(command.headers['cache-control'], 'private, no-cache', 'a command answer')
  const missing = await h.request({ method: 'GET', url: '/v1/plans/no-such-plan' })
  t.equal(missing.headers['cache-control'], 'private, no-cache', 'an authenticated error answer')

  const minted = await h.request({ method: 'POST', url: '/v1/tokens', payload: { role: 'auditor' } })
  t.equal(minted.statusCode, 201)
  t.equal(minted.headers['cache-control'], 'no-store', 'a minted token is never stored by a cache')
  const revoked = await h.request({ method: 'DELETE', url: `/v1/tokens/${minted.json().id}` })
  t.equal(revoked.statusCode, 204)
  t.equal(revoked.headers['cache-control'], 'no-store')
  t.equal((await h.request({ method: 'GET', url: '/health', token: null })).headers['cache-control'], undefined, 'public answers are left alone')
})

t.test('a path that is not valid percent-encoded UTF-8 answers problem+json', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  for (const url of ['/v1/plans/%E0%A4%A', '/v1/plans/%E0%A4%A/history', '/elsewhere/%C0']) {
    const res = await h.request({ method: 'GET', url })
    t.equal(res.statusCode, 400, url)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${url} is problem+json`)
    t.match(res.json(), { status: 400, title: 'Invalid request', detail: /percent-encoded UTF-8/ })
    t.equal(res.headers['x-content-type-options'], 'nosniff', 'with the security headers')
    t.ok(res.headers['x-request-id'])
  }
  const long = await h.request({ method: 'GET', url: `/v1/plans/${'x'.repeat(600)}` })
  t.match(long.headers['content-type'], /^application\/problem\+json/, 'an over-long path parameter too')
})
