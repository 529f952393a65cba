import t from 'tap'
import fc from 'fast-check'
import { deriveDue } from '../../../src/domain/values/due.js'
import { parseFinancialYear } from '../../../src/domain/values/financialYear.js'
import { isCalendarDate } from '../../../src/domain/values/calendarDate.js'

/** [by when, plan year, from, to] */
type Case = [string, string, string | null, string | null]

/** The one assertion the table tests need (tap's root and its subtests both have it). */
type Asserts = Pick<typeof t, 'strictSame'>

function check(t: Asserts, cases: Case[]): void {
  for (const [text, year, from, to] of cases) {
    t.strictSame(deriveDue(text, parseFinancialYear(year)), { text, from, to }, `${JSON.stringify(text)} in ${year}`)
  }
}

t.test('every "By when" example in the domain primer', async t => {
  check(t, [
    ['April 2006', '2006/07', '2006-04-01', '2006-04-30'],
    ['Apr 2003', '2003/04', '2003-04-01', '2003-04-30'],
    ['Sept 2003 and March 2004', '2003/04', '2003-09-01', '2004-03-31'],
    ['June 2006 November 2006 June 2007', '2006/07', '2006-06-01', '2007-06-30'],
    ['Qtr 1', '2008/09', '2008-04-01', '2008-06-30'],
    ['Qtr1', '2008/09', '2008-04-01', '2008-06-30'],
    ['By Qtr 3', '2008/09', '2008-04-01', '2008-12-31'],
    ['Qtr 1 and 2', '2008/09', '2008-04-01', '2008-09-30'],
    ['Q1 to Q4 from April 2017', '2017/18', '2017-04-01', '2018-03-31'],
    ['Qtr 4 (07-08)', '2007/08', '2008-01-01', '2008-03-31'],
    ['Quarterly', '2006/07', null, null],
    ['Quarterly and monthly', '2017/18', null, null],
    ['Ongoing', '2006/07', null, null],
    ['On- going', '2009/10', null, null],
    ['April 2006 on-going', '2006/07', '2006-04-01', null],
    ['Immediate', '2006/07', null, null],
    ['As required', '2009/10', null, null],
    ['At steering group meetings (minimum 4 per year)', '2006/07', null, null],
    ['As per Workforce Development Grid', '2006/07', null, null],
    ['Spetmeber 2006', '2006/07', '2006-09-01', '2006-09-30'],
    ['', '2006/07', null, null],
  ])
})

t.test('"Qtr 1" means April–June of the plan year; "Qtr 4 (07-08)" names its own year', async t => {
  check(t, [
    ['Qtr 1', '2006/07', '2006-04-01', '2006-06-30'],
    ['Qtr 4', '2008/09', '2009-01-01', '2009-03-31'],
    ['Qtr 4 (07-08)', '2006/07', '2008-01-01', '2008-03-31'],
    ['Qtr 4 (07-08)', '2010/11', '2008-01-01', '2008-03-31'],
  ])
})

t.test('Ealing 2006/07 by-when cells', async t => {
  check(t, [
    ['September 06', '2006/07', '2006-09-01', '2006-09-30'],
    ['April06', '2006/07', '2006-04-01', '2006-04-30'],
    ['April 06', '2006/07', '2006-04-01', '2006-04-30'],
    ['October 06', '2006/07', '2006-10-01', '2006-10-31'],
    ['July 06', '2006/07', '2006-07-01', '2006-07-31'],
    ['Aug 07', '2006/07', '2007-08-01', '2007-08-31'],
    ['March 07', '2006/07', '2007-03-01', '2007-03-31'],
    ['Oct 2006', '2006/07', '2006-10-01', '2006-10-31'],
    ['August 2006', '2006/07', '2006-08-01', '2006-08-31'],
    ['March 2007', '2006/07', '2007-03-01', '2007-03-31'],
    ['December 2006', '2006/07', '2006-12-01', '2006-12-31'],
    // dates before the plan year are kept as written, not moved into it
    ['March 2006', '2006/07', '2006-03-01', '2006-03-31'],
    ['January 2006', '2006/07', '2006-01-01', '2006-01-31'],
    ['June 06', '2006/07', '2006-06-01', '2006-06-30'],
    ['August 06', '2006/07', '2006-08-01', '2006-08-31'],
    // a typo cell wrapped over two lines: the month alone, then the year on the next line
    ['Spetmeber', '2006/07', '2006-09-01', '2006-09-30'],
    ['Spetmeber\n2006', '2006/07', '2006-09-01', '2006-09-30'],
    ['June 2006 2006', '2006/07', '2006-06-01', '2006-06-30'],
    ['At steering group meetings (minimum 4 per\nyear)', '2006/07', null, null],
    ['At steering group', '2006/07', null, null],
    ['Quarterly', '2006/07', null, null],
  ])
})

t.test('Slough 2009/10 by-when cells', async t => {
  check(t, [
    ['On-going', '2009/10', null, null],
    ['August 2009', '2009/10', '2009-08-01', '2009-08-31'],
    ['March 2010', '2009/10', '2010-03-01', '2010-03-31'],
    ['Ongoing', '2009/10', null, null],
    ['June 2009', '2009/10', '2009-06-01', '2009-06-30'],
    ['September 2010', '2009/10', '2010-09-01', '2010-09-30'],
    ['November 2009', '2009/10', '2009-11-01', '2009-11-30'],
    ['January 2010', '2009/10', '2010-01-01', '2010-01-31'],
    ['December 2009', '2009/10', '2009-12-01', '2009-12-31'],
    ['May 2009', '2009/10', '2009-05-01', '2009-05-31'],
    ['July 2009', '2009/10', '2009-07-01', '2009-07-31'],
    ['April 2009', '2009/10', '2009-04-01', '2009-04-30'],
  ])
})

t.test('Staffordshire 2003/04 by-when cells (several actions packed in one cell)', async t => {
  check(t, [
    ['May 2003', '2003/04', '2003-05-01', '2003-05-31'],
    ['Oct 2003', '2003/04', '2003-10-01', '2003-10-31'],
    ['Apr 2003- Dec 2003', '2003/04', '2003-04-01', '2003-12-31'],
    ['Sep 2003 and Mar 2004', '2003/04', '2003-09-01', '2004-03-31'],
    ['Jun 2003 Jun 2003 Sep 2003', '2003/04', '2003-06-01', '2003-09-30'],
    ['May 2003 Jul 2003 Sep 2003', '2003/04', '2003-05-01', '2003-09-30'],
    ['Jun2003', '2003/04', '2003-06-01', '2003-06-30'],
    ['Sep 2003 Sep 2003', '2003/04', '2003-09-01', '2003-09-30'],
    ['Mar 2004', '2003/04', '2004-03-01', '2004-03-31'],
    ['Jan 2004', '2003/04', '2004-01-01', '2004-01-31'],
    ['Feb 2004', '2003/04', '2004-02-01', '2004-02-29'],
    ['Apr 2003 Apr 2003 Jun 2003 Apr 2003 Mar 2004', '2003/04', '2003-04-01', '2004-03-31'],
    ['<p>May 2003</p> <p>Oct 2003</p> <p>May 2003</p>', '2003/04', '2003-05-01', '2003-10-31'],
    ['<p>Apr 2003</p> <p>Apr 2003</p> <p>Sept 2003 and March 2004</p> <p>Sept 2003 and March 2004</p>', '2003/04', '2003-04-01', '2004-03-31'],
  ])
})

t.test('Doncaster 2017/18 by-when cells (wrapped cells joined)', async t => {
  check(t, [
    ['Quarterly and monthly', '2017/18', null, null],
    ['Ongoing monthly', '2017/18', null, null],
    ['Ongoing monthly monitoring of progress', '2017/18', null, null],
    ['Provider reports to monthly Operational Performance Group', '2017/18', null, null],
    ['Quarterly reports to Contract Management Group', '2017/18', null, null],
    ['Assertive outreach and engagement multi -disciplinary panel, weekly safe haven delivery between Easter and St Leger weekend', '2017/18', null, null],
    ['Ongoing prevention activities and campaigns', '2017/18', null, null],
    ['quarterly meetings throughout the year', '2017/18', null, null],
    ['Ongoing via Operational group meetings', '2017/18', null, null],
    ['Ongoing via Project 3 (coordination of programmes) & monthly Operational group meetings.', '2017/18', null, null],
    ['Quarterly monitoring meetings', '2017/18', null, null],
    ['Monthly monitoring', '2017/18', null, null],
    ['Quarterly reports', '2017/18', null, null],
    ['Q1 to Q4 from April', '2017/18', '2017-04-01', '2018-03-31'],
    ['Q1 to Q4 from April 2017 monitored by ‘Phamoutcomes’ system', '2017/18', '2017-04-01', '2018-03-31'],
    ['Q1 to Q4 from April 2017 and at monthly Operational group meetings', '2017/18', '2017-04-01', '2018-03-31'],
    ['From April 2017', '2017/18', '2017-04-01', null],
    ['April 2017 and ongoing', '2017/18', '2017-04-01', null],
    // recurring work within a named year: the year is the period
    ['Quarterly and monthly meetings during 17/18', '2017/18', '2017-04-01', '2018-03-31'],
  ])
})

t.test('the text is kept exactly as given', async t => {
  const fy = parseFinancialYear('2017/18')
  for (const text of ['April 2017 and ongoing ', '  Qtr 1\t', 'On- going', '\n', 'Spetmeber\n2006']) {
    t.equal(deriveDue(text, fy).text, text, JSON.stringify(text))
  }
  t.strictSame(deriveDue('  Qtr 1\t', fy), { text: '  Qtr 1\t', from: '2017-04-01', to: '2017-06-30' })
})

t.test('month names: abbreviations, "Sept", typos, and words that only look like months', async t => {
  check(t, [
    ['Sept 2006', '2006/07', '2006-09-01', '2006-09-30'],
    ['Sept. 2006', '2006/07', '2006-09-01', '2006-09-30'],
    ["Sept '06", '2006/07', '2006-09-01', '2006-09-30'],
    ['Sept ’06', '2006/07', '2006-09-01', '2006-09-30'],
    ['Sept-06', '2006/07', '2006-09-01', '2006-09-30'],
    ['SEPTEMBER 2006', '2006/07', '2006-09-01', '2006-09-30'],
    ['Febuary 2007', '2006/07', '2007-02-01', '2007-02-28'],
    ['Febuary', '2006/07', '2007-02-01', '2007-02-28'],
    ['Decmber 2006', '2006/07', '2006-12-01', '2006-12-31'],
    ['Novmeber 2006', '2006/07', '2006-11-01', '2006-11-30'],
    ['Ocotber 2006', '2006/07', '2006-10-01', '2006-10-31'],
    ['Janaury 2007', '2006/07', '2007-01-01', '2007-01-31'],
    ['Aprl 2006', '2006/07', '2006-04-01', '2006-04-30'],
    // one or two edits from a short month name, but ordinary words: not months
    ['done', '2006/07', null, null],
    ['only when needed', '2006/07', null, null],
    ['Match funding', '2006/07', null, null],
    ['Novel approaches', '2006/07', null, null],
    ['decision pending', '2006/07', null, null],
    ['12 months', '2006/07', null, null],
    // "may" and "march" are words too: a lone one without a year counts only when nothing else is said
    ['As may be required', '2006/07', null, null],
    ['May', '2006/07', '2006-05-01', '2006-05-31'],
    ['By May', '2006/07', '2006-04-01', '2006-05-31'],
    ['March', '2006/07', '2007-03-01', '2007-03-31'],
    ['May 2006', '2006/07', '2006-05-01', '2006-05-31'],
  ])
})

t.test('a month without a year is its occurrence in the plan year', async t => {
  check(t, [
    ['April', '2008/09', '2008-04-01', '2008-04-30'],
    ['December', '2008/09', '2008-12-01', '2008-12-31'],
    ['January', '2008/09', '2009-01-01', '2009-01-31'],
    ['Feb', '2007/08', '2008-02-01', '2008-02-29'],
    ['Sept and Dec', '2008/09', '2008-09-01', '2008-12-31'],
  ])
})

t.test('two-digit years take the century nearest the plan year', async t => {
  check(t, [
    ['Jan 00', '1999/00', '2000-01-01', '2000-01-31'],
    ['Dec 99', '1999/00', '1999-12-01', '1999-12-31'],
    ['April 10', '2009/10', '2010-04-01', '2010-04-30'],
  ])
})

t.test('specific dates', async t => {
  check(t, [
    ['30 June 2006', '2006/07', '2006-06-30', '2006-06-30'],
    ['30th June 2006', '2006/07', '2006-06-30', '2006-06-30'],
    ['1st of April 2006', '2006/07', '2006-04-01', '2006-04-01'],
    ['30 June', '2006/07', '2006-06-30', '2006-06-30'],
    ['15 Jan', '2006/07', '2007-01-15', '2007-01-15'],
    ['30/06/2006', '2006/07', '2006-06-30', '2006-06-30'],
    ['30/06/06', '2006/07', '2006-06-30', '2006-06-30'],
    ['1.7.2006', '2006/07', '2006-07-01', '2006-07-01'],
    ['2006-06-30', '2006/07', '2006-06-30', '2006-06-30'],
    ['June 30, 2006', '2006/07', '2006-06-30', '2006-06-30'],
    ['04/2006', '2006/07', '2006-04-01', '2006-04-30'],
    ['By 30 June 2006', '2006/07', '2006-04-01', '2006-06-30'],
    ['29/02/2008', '2007/08', '2008-02-29', '2008-02-29'],
    // impossible dates are never turned into something else
    ['31/06/2006', '2006/07', null, null],
    ['29/02/2007', '2006/07', null, null],
    ['31 June 2006', '2006/07', null, null],
    ['13/2006', '2006/07', null, null],
  ])
})

t.test('quarters', async t => {
  check(t, [
    ['Q1', '2008/09', '2008-04-01', '2008-06-30'],
    ['Q2', '2008/09', '2008-07-01', '2008-09-30'],
    ['Quarter 3', '2008/09', '2008-10-01', '2008-12-31'],
    ['Qtr. 2', '2008/09', '2008-07-01', '2008-09-30'],
    ['Q1-Q2', '2008/09', '2008-04-01', '2008-09-30'],
    ['Qtrs 1-4', '2008/09', '2008-04-01', '2009-03-31'],
    ['Quarters 1 & 2', '2008/09', '2008-04-01', '2008-09-30'],
    ['Q1, Q2 and Q3', '2008/09', '2008-04-01', '2008-12-31'],
    ['Q1 to Q4', '2008/09', '2008-04-01', '2009-03-31'],
    ['1st quarter', '2008/09', '2008-04-01', '2008-06-30'],
    ['second quarter', '2008/09', '2008-07-01', '2008-09-30'],
    ['End of Q2', '2008/09', '2008-04-01', '2008-09-30'],
    ['By Qtr 1', '2008/09', '2008-04-01', '2008-06-30'],
    ['Q1 2017/18', '2008/09', '2017-04-01', '2017-06-30'],
    ['Q4 07/08', '2008/09', '2008-01-01', '2008-03-31'],
    ['Quarter 4 2007-2008', '2008/09', '2008-01-01', '2008-03-31'],
    ['Q4 (07-08) and Q1 (08-09)', '2008/09', '2008-01-01', '2008-06-30'],
    // a calendar year after a quarter: calendar or financial quarter? not guessed
    ['Q1 2008', '2008/09', null, null],
    ["Q1 '08", '2008/09', null, null],
    // "quarter" without a number names no quarter
    ['Quarterly Progress Report to DAT: Quarter', '2008/09', null, null],
    ['4 quarters', '2008/09', null, null],
  ])
})

t.test('financial years', async t => {
  check(t, [
    ['2006/07', '2008/09', '2006-04-01', '2007-03-31'],
    ['2005/6', '2008/09', '2005-04-01', '2006-03-31'],
    ['2006-07', '2008/09', '2006-04-01', '2007-03-31'],
    ['2006/2007', '2008/09', '2006-04-01', '2007-03-31'],
    ['06/07', '2008/09', '2006-04-01', '2007-03-31'],
    ['1999/00', '1999/00', '1999-04-01', '2000-03-31'],
    ['By 2007/08', '2006/07', '2006-04-01', '2008-03-31'],
    ['Sept 2003/4', '2003/04', '2003-09-01', '2003-09-30'],
    // two numbers that are not consecutive years name nothing
    ['2006/08', '2006/07', null, null],
    ['Tier 2-4', '2006/07', null, null],
  ])
})

t.test('"By …": from the start of the plan year to the end of the period', async t => {
  check(t, [
    ['By April 2006', '2006/07', '2006-04-01', '2006-04-30'],
    ['By end of March 2007', '2006/07', '2006-04-01', '2007-03-31'],
    ['By the end of June', '2006/07', '2006-04-01', '2006-06-30'],
    ['End of September 2006', '2006/07', '2006-04-01', '2006-09-30'],
    ['Before Dec 2006', '2006/07', '2006-04-01', '2006-12-31'],
    ['No later than June 2006', '2006/07', '2006-04-01', '2006-06-30'],
    ['Until March 2007', '2006/07', '2006-04-01', '2007-03-31'],
    ['By Sept 2006 and March 2007', '2006/07', '2006-04-01', '2007-03-31'],
    // a period that ends before the plan year starts keeps its own start
    ['By April 2005', '2006/07', '2005-04-01', '2005-04-30'],
    ['By March 2006', '2006/07', '2006-03-01', '2006-03-31'],
    // "by" belongs to the period right after it, not to one further on
    ['Review by JCG, June 2006', '2006/07', '2006-06-01', '2006-06-30'],
  ])
})

t.test('open-ended: from a start, with no due end', async t => {
  check(t, [
    ['From April 2006', '2006/07', '2006-04-01', null],
    ['April 2006 on-going', '2006/07', '2006-04-01', null],
    ['April 2006 ongoing', '2006/07', '2006-04-01', null],
    ['April 2006 onwards', '2006/07', '2006-04-01', null],
    ['April 2009 and beyond', '2009/10', '2009-04-01', null],
    ['Ongoing from April 2006', '2006/07', '2006-04-01', null],
    ['Starting Qtr 2', '2008/09', '2008-07-01', null],
    ['June 2006 November 2006 ongoing', '2006/07', '2006-06-01', null],
    // "from … to …" is a closed period
    ['From April 2006 to March 2007', '2006/07', '2006-04-01', '2007-03-31'],
    ['April 2006 - March 2007', '2006/07', '2006-04-01', '2007-03-31'],
    ['Apr 2003 – Dec 2003', '2003/04', '2003-04-01', '2003-12-31'],
  ])
})

t.test('end of year: the whole plan year', async t => {
  check(t, [
    ['End of year', '2006/07', '2006-04-01', '2007-03-31'],
    ['By year end', '2006/07', '2006-04-01', '2007-03-31'],
    ['Year-end', '2008/09', '2008-04-01', '2009-03-31'],
    ['End of the financial year', '2008/09', '2008-04-01', '2009-03-31'],
    ['by end of year', '2017/18', '2017-04-01', '2018-03-31'],
    ['Yearend', '2017/18', '2017-04-01', '2018-03-31'],
    // a financial year written after "year end" is the year meant
    ['Year end 2007/08', '2008/09', '2007-04-01', '2008-03-31'],
    ['End of year (2009/10)', '2008/09', '2008-04-01', '2010-03-31'],
  ])
})

t.test('no single due period: null/null, words kept', async t => {
  check(t, [
    ['Ongoing', '2008/09', null, null],
    ['on-going', '2008/09', null, null],
    ['Monthly', '2008/09', null, null],
    ['Weekly', '2008/09', null, null],
    ['Immediately', '2008/09', null, null],
    ['See grid 3', '2008/09', null, null],
    ['See user grid actions', '2006/07', null, null],
    ['TBC', '2008/09', null, null],
    ['N/A', '2008/09', null, null],
    ['-', '2008/09', null, null],
    ['   ', '2008/09', null, null],
    ['2006', '2006/07', null, null],
    ['Annually', '2008/09', null, null],
    ['When funding agreed', '2008/09', null, null],
    ['Within 6 weeks of appointment', '2008/09', null, null],
  ])
})

t.test('properties: text kept, dates real, from never after to', async t => {
  const fy = parseFinancialYear('2008/09')
  const months = ['Jan', 'February', 'Mar', 'April', 'May', 'Jun', 'July', 'Aug', 'Sept', 'October', 'Nov', 'December']
  const periodText = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom(...months), fc.integer({ min: 1990, max: 2030 })).map(([m, y]) => `${m} ${y}`),
    fc.tuple(fc.constantFrom('Q', 'Qtr ', 'Quarter '), fc.integer({ min: 1, max: 4 })).map(([q, n]) => `${q}${n}`),
    fc.tuple(fc.integer({ min: 1, max: 31 }), fc.constantFrom(...months), fc.integer({ min: 1990, max: 2030 })).map(([d, m, y]) => `${d} ${m} ${y}`),
  )
  const text = fc.array(fc.oneof(periodText, fc.constantFrom('and', 'by', 'from', 'ongoing', 'to', '-', 'Quarterly', ' ')), { maxLength: 5 }).map(parts => parts.join(' '))
  fc.assert(
    fc.property(text, s => {
      const due = deriveDue(s, fy)
      if (due.text !== s) return false
      if (due.from !== null && !isCalendarDate(due.from)) return false
      if (due.to !== null && !isCalendarDate(due.to)) return false
      if (due.from === null && due.to !== null) return false
      return due.from === null || due.to === null || due.from <= due.to
    }),
    { numRuns: 2000 },
  )
  t.pass('properties hold')
})
