// Revocation never fails open: 204 on DELETE /v1/tokens/{id} means the token is refused on this
// instance at once and on every instance sharing the store within REVOCATION_BOUND_MS; when that
// cannot be promised the answer is 503.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { sha256Hex } from '../../src/app/ids.js'
import { REVOCATION_BOUND_MS, type TokenRecord } from '../../src/app/tokens.js'
import { startHarness } from '../support/harness.js'

t.test('a revocation applied to the shared read model by another process stops a cached token within the bound', async t => {
  const h = await startHarness({ store: 'sqlite' })
  t.teardown(() => h.close())
  const issued = await h.token('commissioner')
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: issued.token })).statusCode, 200, 'the token works (and is cached)')
  // What another process on the same SQLite file does: its projection marks the token revoked
  // in the shared read model; this instance's own projection never applies that event itself.
  const hash = sha256Hex(issued.token)
  const record = h.ledger.readModels.get<TokenRecord>('tokens', hash)!
  h.ledger.readModels.put('tokens', hash, { ...record, revoked: true })
  const revokedAt = performance.now()
  let status = 200
  let lastSuccessAfter = 0
  while (performance.now() - revokedAt < REVOCATION_BOUND_MS * 3) {
    const sentAt = performance.now() - revokedAt
    status = (await h.request({ method: 'GET', url: '/v1/plans', token: issued.token })).statusCode
    if (status === 200) lastSuccessAfter = sentAt
    if (status === 401) break
    await sleep(20)
  }
  t.equal(status, 401, 'the token is refused')
  t.ok(lastSuccessAfter <= REVOCATION_BOUND_MS, `no request sent more than ${REVOCATION_BOUND_MS} ms later succeeded (last success sent at ${Math.round(lastSuccessAfter)} ms)`)
})

t.test('DELETE answers 503, not 204, when the revocation cannot be confirmed applied; the token is refused here at once anyway', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const issued = await h.token('auditor')
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: issued.token })).statusCode, 200)
  const runner = h.ledger.projections
  const waitFor = runner.waitFor.bind(runner)
  runner.waitFor = async () => false // the projections cannot confirm anything
  const res = await h.request({ method: 'DELETE', url: `/v1/tokens/${issued.id}` })
  t.equal(res.statusCode, 503, `503 (got ${res.statusCode} ${res.body})`)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  t.ok(res.headers['retry-after'], 'with Retry-After')
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: issued.token })).statusCode, 401, 'this instance refuses the token at once')
  runner.waitFor = waitFor
  t.equal((await h.request({ method: 'DELETE', url: `/v1/tokens/${issued.id}` })).statusCode, 204, 'once applied, a repeat answers 204')
})

t.test('an instance that cannot confirm its tokens are current answers 503 rather than trust a stale principal', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const issued = await h.token('commissioner')
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: issued.token })).statusCode, 200)
  const runner = h.ledger.projections
  const waitFor = runner.waitFor.bind(runner)
  runner.waitFor = async () => false
  await sleep(REVOCATION_BOUND_MS + 50)
  const res = await h.request({ method: 'GET', url: '/v1/plans', token: issued.token })
  t.equal(res.statusCode, 503, 'past the bound, unconfirmed: 503')
  t.ok(res.headers['retry-after'])
  runner.waitFor = waitFor
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: issued.token })).statusCode, 200, 'confirmed again: served')
})
