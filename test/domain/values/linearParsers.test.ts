// Every value parser reads a hostile cell in time linear in its length: the cost at 4n
// characters over the cost at n stays under LINEAR_RATIO (a quadratic step gives about 16).
// Cells come from people's files: one booby-trapped "By whom", "By when" or cost cell must not
// freeze a server.
import t, { type Test } from 'tap'
import { deriveDue } from '../../../src/domain/values/due.js'
import { parseFinancialYear } from '../../../src/domain/values/financialYear.js'
import { parseMoney } from '../../../src/domain/values/money.js'
import { splitOwners } from '../../../src/domain/values/owners.js'
import { growthRatio, LINEAR_RATIO } from '../../support/growth.js'

const N = 2000

/** Attempts before a ratio over the bound counts: coverage instrumentation and a loaded machine
 * can push one linear measurement past it, while a quadratic step (about 16) fails every one. */
const ATTEMPTS = 3

function linear(t: Test, what: string, parse: (text: string) => unknown, make: (n: number) => string): void {
  const measure = () =>
    growthRatio(size => {
      const text = make(size)
      return () => parse(text)
    }, N)
  let ratio = measure()
  for (let attempt = 1; attempt < ATTEMPTS && ratio >= LINEAR_RATIO; attempt++) ratio = Math.min(ratio, measure())
  t.ok(ratio < LINEAR_RATIO, `${what}: cost ratio ${ratio.toFixed(1)} at 4n vs n characters`)
}

t.test('owners: splitting a "By whom" cell', async t => {
  linear(t, "'(' repeated", splitOwners, n => '('.repeat(n))
  linear(t, 'nested brackets around a label', splitOwners, n => `${'('.repeat(n / 2)}DM${')'.repeat(n / 2)}`)
  linear(t, 'a run of spaces between two words', splitOwners, n => `DM${' '.repeat(n)}x`)
  linear(t, 'a run of dashes before a label', splitOwners, n => `${'-'.repeat(n)}DM`)
  linear(t, 'many labels', splitOwners, n => 'DM, '.repeat(n / 4))
  linear(t, 'letters', splitOwners, n => 'a'.repeat(n))
  const wholeNames = /(?:drug\s*(?:&|and)\s*alcohol)(?![\p{L}\p{N}])/iuy
  linear(t, 'whole names tried at every word', (s: string) => splitOwners(s, { wholeNames }), n => 'drug & '.repeat(n / 7))
  linear(t, 'a whole name\'s words apart by a run of spaces', (s: string) => splitOwners(s, { wholeNames }), n => `drug${' '.repeat(n)}x`)
})

t.test('money: parsing a cost cell', async t => {
  linear(t, 'many bare numbers', parseMoney, n => '1 '.repeat(n / 2))
  linear(t, 'a run of spaces', parseMoney, n => `a${' '.repeat(n)}x`)
  linear(t, '"nil" then spaces and a word', parseMoney, n => `nil${' '.repeat(n)}x`)
  linear(t, 'a long amount', parseMoney, n => `£${'9'.repeat(n)}`)
  linear(t, 'digits', parseMoney, n => '9'.repeat(n))
  linear(t, '"(" repeated', parseMoney, n => '('.repeat(n))
  linear(t, 'letters', parseMoney, n => 'k'.repeat(n))
})

t.test('due: deriving a period from a "By when" cell', async t => {
  const year = parseFinancialYear('2008/09')
  const due = (text: string) => deriveDue(text, year)
  linear(t, '"may" repeated, then another word', due, n => `${'may '.repeat(n / 4)}xyz`)
  linear(t, '"(" repeated', due, n => '('.repeat(n))
  linear(t, 'digits', due, n => '9'.repeat(n))
  linear(t, 'letters', due, n => 'a'.repeat(n))
  linear(t, 'quarters', due, n => 'Q1 and '.repeat(n / 7))
  linear(t, 'a month and dots', due, n => `June${'.'.repeat(n)}`)
})

t.test('what the rewritten parsers keep: the same answers', async t => {
  t.same(splitOwners('((Pharmacy Worker))'), ['Pharmacy Worker'])
  t.same(splitOwners('-- DM (adults & C&YP) --: '), ['DM (adults & C&YP)'])
  t.same(splitOwners('(a) (b)'), ['(a) (b)'], 'two bracketed parts are not one wrapped part')
  t.same(splitOwners('DM   and   ICM'), ['DM', 'ICM'])
  t.equal(parseMoney('$ 500').pence, null)
  t.equal(parseMoney('euros   500').pence, null)
  t.equal(parseMoney('Share   of £5,000').pence, null)
  t.equal(parseMoney('shareholder of £5,000').pence, 500_000, 'only the whole word "share"')
  t.equal(parseMoney('£0.5p').pence, null)
  t.equal(parseMoney('£1.235K').pence, 123_500)
  t.equal(parseMoney('0.005m').pence, 500_000)
  t.equal(parseMoney('£0.000004K').pence, 0, 'under half a penny rounds down')
  t.equal(parseMoney('£0.000005K').pence, 1, 'half a penny rounds up')
  t.equal(parseMoney('£1.2345675K').pence, 123_457)
  t.equal(parseMoney('£1.2345645K').pence, 123_456)
  t.equal(parseMoney('£90,071,992,547,409.91').pence, 9_007_199_254_740_991)
  t.equal(parseMoney('£90,071,992,547,409.92').pence, null)
  t.equal(parseMoney(`£${'9'.repeat(40)}`).pence, null)
  t.equal(parseMoney('nil .  ').pence, 0)
})
