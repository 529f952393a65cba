// Reads per API.md "Reads": current-state answers carry a strong ETag naming the plan's version
// and the date they are effective on, as-of answers a weak one; If-None-Match naming it answers
// 304 with no body. The prepared current answer is byte for byte the fold's answer at its asOf.
import t from 'tap'
import { seedPlan, startHarness } from '../support/harness.js'

for (const store of ['memory', 'sqlite'] as const) {
  t.test(`${store}: plan state ETag, If-None-Match and the fold`, async t => {
    const h = await startHarness({ store })
    t.teardown(() => h.close())
    const f = await seedPlan(h)
    const url = `/v1/plans/${f.planId}`

    const first = await h.request({ method: 'GET', url })
    t.equal(first.statusCode, 200)
    t.match(first.headers['content-type'], /^application\/json/)
    t.equal(first.headers.etag, '"4-2008-07-20"', 'strong: version and the date the answer is effective on')
    const body = first.json()
    t.equal(body.version, 4)
    t.equal(body.effectiveOn, '2008-07-20')
    // The same read through the fold, as of the answer's own instant, is the same text.
    const folded = await h.request({ method: 'GET', url: `${url}?asOf=${encodeURIComponent(body.asOf)}` })
    t.equal(folded.body, first.body, 'prepared answer = fold')
    t.equal(folded.headers.etag, 'W/"4"', 'as-of answers carry the weak form')

    const again = await h.request({ method: 'GET', url, headers: { 'if-none-match': first.headers.etag as string } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
    t.equal(again.headers.etag, first.headers.etag)
    t.equal(again.headers['cache-control'], 'private, no-cache')
    t.equal((await h.request({ method: 'GET', url, headers: { 'if-none-match': `"x", W/${first.headers.etag as string}` } })).statusCode, 304, 'a list; weak comparison')
    t.equal((await h.request({ method: 'GET', url, headers: { 'if-none-match': '"3-2008-07-20"' } })).statusCode, 200)
    t.equal((await h.request({ method: 'GET', url: `${url}?asOf=${encodeURIComponent(body.asOf)}`, headers: { 'if-none-match': 'W/"4"' } })).statusCode, 304)

    // A write changes the version: the old ETag no longer matches.
    const progress = await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-07-20', note: 'Two sessions run', percentComplete: 40 } })
    t.equal(progress.statusCode, 201)
    const afterWrite = await h.request({ method: 'GET', url, headers: { 'if-none-match': first.headers.etag as string } })
    t.equal(afterWrite.statusCode, 200, 'read your own write')
    t.equal(afterWrite.headers.etag, '"5-2008-07-20"')
    t.equal(afterWrite.json().grids[0].objectives[0].actions[0].progress.note, 'Two sessions run')

    // A new day changes the answer's date (what suggestions are computed for): a new ETag, same version.
    h.clock.set('2008-07-22T08:00:00.000Z')
    const later = await h.request({ method: 'GET', url, headers: { 'if-none-match': afterWrite.headers.etag as string } })
    t.equal(later.statusCode, 200)
    t.equal(later.headers.etag, '"5-2008-07-22"')
    t.equal(later.json().effectiveOn, '2008-07-22')
    t.equal((await h.request({ method: 'GET', url: `${url}?asOf=${encodeURIComponent(later.json().asOf)}` })).body, later.body, 'prepared answer = fold')
    // Effective on an earlier date than the latest progress: the fold, not the current state.
    const earlier = await h.request({ method: 'GET', url: `${url}?effectiveOn=2008-07-19` })
    t.equal(earlier.json().grids[0].objectives[0].actions[0].progress, null)
    t.equal(earlier.headers.etag, 'W/"5"')
  })
}

t.test('quarterly report ETags: strong for now, per format; weak as of an instant', async t => {
  const h = await startHarness({ store: 'sqlite' })
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const url = `/v1/plans/${f.planId}/reports/quarterly?quarter=2`
  const json = await h.request({ method: 'GET', url })
  t.equal(json.statusCode, 200)
  t.equal(json.headers.etag, '"4"')
  t.equal(json.headers.vary, 'Accept')
  const folded = await h.request({ method: 'GET', url: `${url}&asOf=${encodeURIComponent(json.json().asOf)}` })
  t.equal(folded.body, json.body, 'prepared report = fold')
  t.equal(folded.headers.etag, 'W/"4"')
  t.equal((await h.request({ method: 'GET', url, headers: { 'if-none-match': '"4"' } })).statusCode, 304)
  const csv = await h.request({ method: 'GET', url, headers: { accept: 'text/csv' } })
  t.equal(csv.statusCode, 200)
  t.equal(csv.headers.etag, '"4-csv"', 'another representation, another ETag')
  t.match(csv.body, /Train staff in naloxone/)
  t.equal((await h.request({ method: 'GET', url: `${url}&format=csv`, headers: { 'if-none-match': '"4-csv"' } })).statusCode, 304)
  t.equal((await h.request({ method: 'GET', url: `${url}&format=xlsx` })).headers.etag, '"4-xlsx"')
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/no-such-plan/reports/quarterly?quarter=2` })).statusCode, 404)
})

t.test('a provider reads the prepared answer of a plan it sees, and not of one it does not', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const cnwl = await h.token('provider', ['cnwl'])
  const other = await h.token('provider', ['Aspire'])
  const mine = await h.request({ method: 'GET', url: `/v1/plans/${f.planId}`, token: cnwl.token })
  t.equal(mine.statusCode, 200)
  t.equal(mine.body, (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}?asOf=${encodeURIComponent(mine.json().asOf)}`, token: cnwl.token })).body)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${f.planId}`, token: other.token })).statusCode, 404)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/reports/quarterly?quarter=1`, token: other.token })).statusCode, 404)
})
