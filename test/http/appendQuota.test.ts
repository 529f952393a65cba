// The daily append quota through HTTP: past GRIDLEDGER_APPEND_QUOTA events in one plan in one
// UTC day, a token's writes answer 429 problem+json with Retry-After (seconds to midnight UTC)
// and record nothing; reads and other tokens go on.
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { DEFAULT_APPEND_QUOTA } from '../../src/app/appendQuota.js'
import { seedPlan, startHarness } from '../support/harness.js'

t.test('a provider posting notes in a loop meets 429 with Retry-After', async t => {
  const h = await startHarness({ appendQuota: 5, clockStart: '2008-07-20T22:30:00.000Z' })
  t.teardown(() => h.close())
  const f = await seedPlan(h) // 4 events, by the admin token
  const provider = (await h.token('provider', ['CNWL'])).token
  const progress = (token: string) =>
    h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-07-20', note: 'n'.repeat(20_000) }, token })
  for (let i = 1; i <= 5; i++) t.equal((await progress(provider)).statusCode, 201, `note ${i}`)
  const refused = await progress(provider)
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /application\/problem\+json/)
  t.equal(refused.headers['retry-after'], '5400', 'an hour and a half to midnight UTC')
  t.match(refused.json(), { status: 429, type: /append-quota/, detail: /at most 5 a day/ })
  const version = (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}` })).headers.etag
  t.equal((await progress(provider)).statusCode, 429)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${f.planId}` })).headers.etag, version, 'nothing recorded')
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${f.planId}`, token: provider })).statusCode, 200, 'reads go on')
  const commissioner = (await h.token('commissioner')).token
  t.equal((await progress(commissioner)).statusCode, 201, 'another token writes on')
})

t.test('GRIDLEDGER_APPEND_QUOTA: a default no real use reaches; 0 turns it off', async t => {
  t.equal(loadConfig({}).GRIDLEDGER_APPEND_QUOTA, DEFAULT_APPEND_QUOTA)
  t.ok(DEFAULT_APPEND_QUOTA >= 5_000)
  t.equal(loadConfig({ GRIDLEDGER_APPEND_QUOTA: '0' }).GRIDLEDGER_APPEND_QUOTA, 0)
  t.throws(() => loadConfig({ GRIDLEDGER_APPEND_QUOTA: '-1' }))
})
