// suggestedRag in plan state: computed for the read's date (today, or the asOf instant), a hint
// beside `rag`, never in its place.
import t from 'tap'
import { seedPlan, startHarness } from '../support/harness.js'

t.test('each action carries a suggested RAG for the read date, current and as of an instant', async t => {
  const h = await startHarness({ clockStart: '2008-07-20T09:00:00.000Z' })
  t.teardown(() => h.close())
  const { planId, actionId } = await seedPlan(h)
  const actionOf = async (query = '') => {
    const res = await h.request({ method: 'GET', url: `/v1/plans/${planId}${query}` })
    t.equal(res.statusCode, 200)
    return res.json().grids[0].objectives[0].actions[0]
  }
  t.same((await actionOf()).suggestedRag, null, 'no percent complete yet: no suggestion')
  const beforeProgress = '2008-07-20T09:30:00.000Z'
  h.clock.set('2008-07-20T10:00:00.000Z')
  const set = await h.request({ method: 'PUT', url: `/v1/plans/${planId}/actions/${actionId}/rag`, payload: { rag: 'green' } })
  t.equal(set.statusCode, 200)
  const posted = await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${actionId}/progress`, payload: { effectiveDate: '2008-07-20', note: 'Half the staff trained', percentComplete: 50 } })
  t.equal(posted.statusCode, 201)

  // "Qtr 2" of 2008/09 ends 30 Sep; from 1 Apr that is 183 days, 111 passed on 20 Jul: 61%.
  const today = await actionOf()
  t.equal(today.rag, 'green', 'the rating people set stays')
  t.equal(today.suggestedRag.rag, 'amber', '50% done, 61% of the time gone')
  t.match(today.suggestedRag.basis, /50% complete with 61% of the time from 2008-04-01 \(plan year start\) to 2008-09-30 \(due\) elapsed on 2008-07-20/)

  h.clock.set('2008-10-05T09:00:00.000Z')
  const later = await actionOf()
  t.equal(later.suggestedRag.rag, 'red', 'read after the due date: overdue')
  t.match(later.suggestedRag.basis, /overdue/)
  t.equal(later.rag, 'green', 'never replaces rag')

  const asOf = await actionOf('?asOf=2008-07-20T12:00:00.000Z')
  t.equal(asOf.suggestedRag.rag, 'amber', 'an as-of read suggests for the asOf date')
  t.same((await actionOf(`?asOf=${beforeProgress}`)).suggestedRag, null, 'as of before the progress: nothing to suggest from')
  const effective = await actionOf('?effectiveOn=2008-07-20')
  t.match(effective.suggestedRag.basis, /elapsed on 2008-07-20/, 'effective on an earlier date: suggested for that date')
})
