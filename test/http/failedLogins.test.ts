// Failed and missing authentication is throttled per client address, before any store read;
// the not-found handler is rate-limited too (GRIDLEDGER_RATE_LIMIT=10 here).
import t from 'tap'
import { startHarness, type Harness } from '../support/harness.js'

const LIMIT = 10

async function flood(h: Harness, n: number, request: (i: number) => Parameters<Harness['request']>[0]) {
  const codes: number[] = []
  let retryAfter: string | undefined
  let tooMany: { type: string; status: number } | undefined
  for (let i = 0; i < n; i++) {
    const res = await h.request(request(i))
    codes.push(res.statusCode)
    if (res.statusCode === 429) {
      retryAfter = res.headers['retry-after'] as string
      tooMany = res.json()
      if (!String(res.headers['content-type']).startsWith('application/problem+json')) throw new Error(`429 not problem+json: ${res.headers['content-type']}`)
    }
  }
  return { codes, count: (code: number) => codes.filter(c => c === code).length, retryAfter, tooMany }
}

/** Counts the event store's reads of the head position and of streams (what a catch-up costs). */
function countStoreReads(h: Harness) {
  const store = h.ledger.store as unknown as Record<string, (...args: unknown[]) => unknown>
  const counts = { reads: 0 }
  for (const name of ['headPosition', 'readStream', 'readAll']) {
    const original = store[name]
    if (typeof original !== 'function') continue
    store[name] = function (this: unknown, ...args: unknown[]) {
      counts.reads++
      return original.apply(this, args)
    }
  }
  return counts
}

t.test('a flood of distinct bad tokens from one address gets 429 with Retry-After, and stops reading the store', async t => {
  const h = await startHarness({ rateLimit: LIMIT })
  t.teardown(() => h.close())
  const good = (await h.token('commissioner')).token
  const counts = countStoreReads(h)
  const r = await flood(h, 40, i => ({ method: 'GET', url: '/v1/plans', token: `glt_bad-token-${i}`, remoteAddress: '203.0.113.7' }))
  t.ok(r.count(401) <= LIMIT, `at most ${LIMIT} answered 401 (${r.count(401)})`)
  t.ok(r.count(429) >= 40 - LIMIT, `the rest answered 429 (${r.count(429)})`)
  t.match(r.retryAfter, /^\d+$/, 'with Retry-After in seconds')
  t.ok(Number(r.retryAfter) >= 1 && Number(r.retryAfter) <= 60)
  t.equal(r.tooMany?.status, 429)
  t.ok(counts.reads <= 2 * LIMIT, `store reads stay bounded by the budget, not by the flood (${counts.reads})`)
  const before = counts.reads
  await flood(h, 100, i => ({ method: 'GET', url: '/v1/plans', token: `glt_more-${i}`, remoteAddress: '203.0.113.7' }))
  t.equal(counts.reads, before, 'once throttled, bad tokens cost no store read')

  const ok = await h.request({ method: 'GET', url: '/v1/plans', token: good, remoteAddress: '203.0.113.7' })
  t.equal(ok.statusCode, 200, 'a good token from the throttled address still works')
  const other = await h.request({ method: 'GET', url: '/v1/plans', token: 'glt_bad', remoteAddress: '198.51.100.1' })
  t.equal(other.statusCode, 401, 'another address has its own budget')
})

t.test('one bad token repeated, and no token at all, are throttled too', async t => {
  const h = await startHarness({ rateLimit: LIMIT })
  t.teardown(() => h.close())
  const same = await flood(h, 15, () => ({ method: 'GET', url: '/v1/plans', token: 'glt_the-same-bad-token', remoteAddress: '203.0.113.8' }))
  t.equal(same.count(401), LIMIT)
  t.equal(same.count(429), 15 - LIMIT)
  const none = await flood(h, 15, () => ({ method: 'GET', url: '/v1/plans', token: null, remoteAddress: '203.0.113.9' }))
  t.equal(none.count(401), LIMIT)
  t.equal(none.count(429), 15 - LIMIT)
  t.ok(none.retryAfter)
  const revokedToken = await h.token('auditor')
  t.equal((await h.request({ method: 'DELETE', url: `/v1/tokens/${revokedToken.id}` })).statusCode, 204)
  const revoked = await flood(h, 15, () => ({ method: 'GET', url: '/v1/plans', token: revokedToken.token, remoteAddress: '203.0.113.10' }))
  t.equal(revoked.count(401), LIMIT, 'a revoked token counts as a failure')
  t.equal(revoked.count(429), 15 - LIMIT)
})

t.test('the not-found handler is rate-limited', async t => {
  const h = await startHarness({ rateLimit: LIMIT })
  t.teardown(() => h.close())
  const r = await flood(h, 20, i => ({ method: 'GET', url: `/no/such/route/${i}`, token: `glt_spray-${i}`, remoteAddress: '203.0.113.11' }))
  t.equal(r.count(404), LIMIT)
  t.equal(r.count(429), 20 - LIMIT)
  t.ok(r.retryAfter, 'with Retry-After')
})

t.test('with the rate limit off (0), failures are not throttled', async t => {
  const h = await startHarness({ rateLimit: 0 })
  t.teardown(() => h.close())
  const r = await flood(h, 30, i => ({ method: 'GET', url: '/v1/plans', token: `glt_bad-${i}` }))
  t.equal(r.count(401), 30)
})
