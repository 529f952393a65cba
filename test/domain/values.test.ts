import t from 'tap'
import { ValidationError } from '../../src/domain/errors.js'
import { endOfLondonDay, isCalendarDate, londonDate, requireCalendarDate } from '../../src/domain/values/calendarDate.js'
import { financialYearOf, parseFinancialYear, quarterOf } from '../../src/domain/values/financialYear.js'
import { upcast, UnknownEventError } from '../../src/domain/upcast.js'

t.test('calendar dates', async t => {
  t.ok(isCalendarDate('2008-02-29'))
  t.notOk(isCalendarDate('2007-02-29'))
  t.notOk(isCalendarDate('2008-02-30'))
  t.notOk(isCalendarDate('2008-2-3'))
  t.throws(() => requireCalendarDate('30/06/2008', 'effectiveDate'), ValidationError)
  t.equal(londonDate('2008-06-30T23:30:00.000Z'), '2008-07-01', 'BST: 23:30 UTC is the next London day')
  t.equal(londonDate('2008-12-31T23:30:00.000Z'), '2008-12-31', 'GMT in winter')
  t.equal(endOfLondonDay('2008-06-30'), '2008-06-30T22:59:59.999Z')
})

t.test('financial years and quarters', async t => {
  const fy = parseFinancialYear('2006/07')
  t.same(fy, { label: '2006/07', startYear: 2006, from: '2006-04-01', to: '2007-03-31' })
  t.same(parseFinancialYear('1999/00').to, '2000-03-31', 'century boundary')
  t.throws(() => parseFinancialYear('2006/08'), ValidationError)
  t.throws(() => parseFinancialYear('2006-07'), ValidationError)
  t.same(quarterOf(parseFinancialYear('2008/09'), 1), { number: 1, from: '2008-04-01', to: '2008-06-30' })
  t.same(quarterOf(parseFinancialYear('2007/08'), 4), { number: 4, from: '2008-01-01', to: '2008-03-31' })
  t.equal(financialYearOf('2008-03-31').label, '2007/08')
  t.equal(financialYearOf('2008-04-01').label, '2008/09')
})

t.test('upcasting', async t => {
  t.same(upcast('RagSet', 1, { rag: 'red' }), { type: 'RagSet', data: { rag: 'red' } }, 'current version passes through')
  t.throws(() => upcast('NoSuchEvent', 1, {}), UnknownEventError)
  t.throws(() => upcast('RagSet', 7, {}), UnknownEventError, 'a version from the future is refused, not guessed')
  // A registered chain of steps brings an old shape to the current one.
  const steps = { 'RagSet@0': (d: Record<string, unknown>) => ({ ...d, reason: d.comment ?? null }) }
  t.same(upcast('RagSet', 0, { rag: 'amber', comment: 'late' }, steps).data, { rag: 'amber', comment: 'late', reason: 'late' })
})

t.test('calendar dates agree with luxon everywhere, and London dates across the clock changes', async t => {
  const { DateTime } = await import('luxon')
  for (let year = 1999; year <= 2101; year += 17) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
        if (isCalendarDate(text) !== DateTime.fromISO(text, { zone: 'UTC' }).isValid) t.fail(`disagrees on ${text}`)
      }
    }
  }
  t.ok(isCalendarDate('2000-02-29'), '2000 is a leap year')
  t.notOk(isCalendarDate('1900-02-29'), '1900 is not')
  t.notOk(isCalendarDate('2008-00-10'))
  // Instants every 20 minutes through 2008, including both clock changes, against luxon.
  for (let ms = Date.parse('2008-01-01T00:00:00Z'); ms < Date.parse('2009-01-01T00:00:00Z'); ms += 20 * 60_000) {
    const expected = DateTime.fromMillis(ms, { zone: 'Europe/London' }).toISODate()
    if (londonDate(new Date(ms)) !== expected) t.fail(`london date of ${new Date(ms).toISOString()}`)
  }
  t.equal(londonDate('2008-03-30T00:59:59.999Z'), '2008-03-30')
  t.equal(londonDate('2008-10-25T23:00:00.000Z'), '2008-10-26', 'BST until 01:00 UTC on the last Sunday of October')
  t.pass('agrees with luxon')
})
