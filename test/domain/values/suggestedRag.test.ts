import t from 'tap'
import { financialYearStarting } from '../../../src/domain/values/financialYear.js'
import { suggestRag, type SuggestionInput } from '../../../src/domain/values/suggestedRag.js'

const year = financialYearStarting(2006) // 2006-04-01 .. 2007-03-31
const base: SuggestionInput = { percentComplete: 50, status: 'in_progress', due: { from: '2006-09-01', to: '2006-09-30' }, year, on: '2006-06-30' }
const suggest = (over: Partial<SuggestionInput>) => suggestRag({ ...base, ...over })

t.test('no suggestion without a due end or a percent complete', async t => {
  t.equal(suggest({ due: { from: null, to: null } }), null, '"Ongoing": no due end')
  t.equal(suggest({ due: { from: '2006-04-01', to: null } }), null, '"April 2006 on-going": a start but no end')
  t.equal(suggest({ percentComplete: null }), null, 'no percent complete reported')
})

t.test('time runs from the plan year start to the end of a short due period', async t => {
  // 1 Apr .. 30 Sep 2006 is 183 days; on 30 Jun 91 have passed: 50% of the time.
  const s = suggest({ percentComplete: 50 })!
  t.equal(s.rag, 'green')
  t.match(s.basis, /50% complete with 50% of the time from 2006-04-01 \(plan year start\) to 2006-09-30 \(due\) elapsed on 2006-06-30/)
  t.equal(suggest({ percentComplete: 40 })!.rag, 'green', '10 points behind is still green')
  t.equal(suggest({ percentComplete: 39 })!.rag, 'amber', '11 points behind is amber')
  t.match(suggest({ percentComplete: 39 })!.basis, /11 points behind time/)
  t.equal(suggest({ percentComplete: 25 })!.rag, 'amber', '25 points behind is amber')
  t.equal(suggest({ percentComplete: 24 })!.rag, 'red', '26 points behind is red')
  t.equal(suggest({ percentComplete: 0, on: '2006-03-01' })!.rag, 'green', 'before the time starts nothing is behind')
})

t.test('a long due period, or one starting before the plan year, times the work from its own start', async t => {
  // "Sept 2006 – March 2007": 1 Sep 2006 .. 31 Mar 2007 (212 days); on 30 Nov 91 days: 43%.
  const long = suggest({ due: { from: '2006-09-01', to: '2007-03-31' }, on: '2006-11-30', percentComplete: 20 })!
  t.match(long.basis, /from 2006-09-01 \(start of the due period\)/)
  t.equal(long.rag, 'amber', '43% of the time, 20% done: 23 points behind')
  const carried = suggest({ due: { from: '2006-01-01', to: '2006-06-30' }, on: '2006-04-01', percentComplete: 50 })!
  t.match(carried.basis, /from 2006-01-01 \(start of the due period\)/)
})

t.test('complete is green, overdue is red', async t => {
  t.equal(suggest({ percentComplete: 100, on: '2007-01-01' })!.rag, 'green', 'complete, even after the due date')
  t.match(suggest({ percentComplete: 10, status: 'completed', on: '2007-01-01' })!.basis, /status completed/, 'status completed counts as done')
  t.equal(suggest({ percentComplete: null, status: 'completed' })!.rag, 'green')
  const overdue = suggest({ percentComplete: 95, on: '2006-10-01' })!
  t.equal(overdue.rag, 'red')
  t.match(overdue.basis, /overdue: due by 2006-09-30, 95% complete on 2006-10-01/)
  t.equal(suggest({ percentComplete: 95, on: '2006-09-30' })!.rag, 'green', 'on the due date itself: not overdue')
})
