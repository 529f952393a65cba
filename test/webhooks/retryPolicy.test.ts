// The retry schedule: exponential backoff with equal jitter, capped at an hour, for 24 hours after an
// event's first attempt; disabling after 5 days of failure; every duration scaled by one base.
import t from 'tap'
import { DEFAULT_RETRY_POLICY as P, HOUR_MS, pastRetryWindow, policyWithBase, retryDelayMs, shouldDisable } from '../../src/app/webhooks/retryPolicy.js'

t.test('each delay is between half and all of base·2^(n−1), capped at an hour', async t => {
  for (let attempt = 1; attempt <= 20; attempt++) {
    const ceiling = Math.min(HOUR_MS, 5_000 * 2 ** (attempt - 1))
    t.equal(retryDelayMs(P, attempt, 0), ceiling / 2, `attempt ${attempt}: least`)
    t.equal(retryDelayMs(P, attempt, 0.999999), Math.round(ceiling / 2 + (ceiling / 2) * 0.999999), `attempt ${attempt}: most`)
  }
  t.equal(retryDelayMs(P, 1, 0.5), 3_750, 'the first retry after 2.5–5 s')
})

t.test('an event is retried for 24 hours, then given up', async t => {
  for (const random of [0, 0.5, 0.999]) {
    let at = 0
    let attempts = 1
    while (!pastRetryWindow(P, 0, at + retryDelayMs(P, attempts, random))) {
      at += retryDelayMs(P, attempts, random)
      attempts++
    }
    t.ok(at <= 24 * HOUR_MS && at > 24 * HOUR_MS - P.maxDelayMs, `jitter ${random}: the last attempt ${(at / HOUR_MS).toFixed(1)} h after the first (${attempts} attempts)`)
  }
})

t.test('a subscription is disabled after 5 days of failure', async t => {
  t.notOk(shouldDisable(P, 0, 5 * 24 * HOUR_MS - 1))
  t.ok(shouldDisable(P, 0, 5 * 24 * HOUR_MS))
})

t.test('one base scales every duration (GRIDLEDGER_WEBHOOK_BACKOFF_BASE_MS)', async t => {
  t.same(policyWithBase(5_000), P)
  t.same(policyWithBase(50), { baseMs: 50, maxDelayMs: HOUR_MS / 100, retryForMs: 24 * HOUR_MS / 100, disableAfterMs: 5 * 24 * HOUR_MS / 100 })
})
