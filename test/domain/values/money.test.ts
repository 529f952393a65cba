import t from 'tap'
import fc from 'fast-check'
import { parseMoney } from '../../../src/domain/values/money.js'

/** [costs/budget cell, pence] */
type Case = [string, number | null]

/** The one assertion the table tests need (tap's root and its subtests both have it). */
type Asserts = Pick<typeof t, 'strictSame'>

function check(t: Asserts, cases: Case[]): void {
  for (const [text, pence] of cases) t.strictSame(parseMoney(text), { text, pence }, JSON.stringify(text))
}

t.test('every "Costs/budget" example in the domain primer', async t => {
  check(t, [
    ['£150,000', 15_000_000],
    ['20K', 2_000_000],
    ['£ 4,400', 440_000],
    ['50k - TBC', 5_000_000],
    ['30K – CDRP funding', 3_000_000],
    // the first amount is the cost; the bracket is a further item funded elsewhere
    ['50K (+100K day programme places)', 5_000_000],
    ['Within role resource', null],
    ['Within resources', null],
    ['DIP Funding', null],
    ['Home Office funded', null],
    ['Non PTB', null],
    ['See Grid 2 and 3', null],
    ['Awaiting JCG decision', null],
    // the amount is in the words; the funding source stays in the text
    ['Carers Grant (non PTB 15K)', 1_500_000],
  ])
})

t.test('the rules in the brief', async t => {
  check(t, [
    ['20k', 2_000_000],
    ['£1.5m', 150_000_000],
    ['£1.5 million', 150_000_000],
    ['£12,345.67', 1_234_567],
    ['', null],
    ['TBC', null],
    ['2006', null],
    ['3', null],
  ])
})

t.test('Ealing 2006/07 cost cells', async t => {
  check(t, [
    ['£150,000 (Contingency)', 15_000_000],
    ['107K', 10_700_000],
    ['22K', 2_200_000],
    ['£500', 50_000],
    ['10K', 1_000_000],
    ['15K', 1_500_000],
    ['5K', 500_000],
    ['Within project costs', null],
    ['£10K', 1_000_000],
    ['See Grid 3', null],
    ['Share of 10K allocation under "User Involvement"', null],
    ['Within role resources', null],
    ['Within Resource', null],
    ['41k', 4_100_000],
    ['33K', 3_300_000],
    ['£683,000', 68_300_000],
    ['£12,500', 1_250_000],
    ['18K', 1_800_000],
    ['63K', 6_300_000],
    ['280K', 28_000_000],
    ['230k', 23_000_000],
    ['893K', 89_300_000],
    ['1,079K', 107_900_000],
    ['186K', 18_600_000],
    ['SM Nex resources', null],
    ['Resources allocated', null],
    ['15K – CDRP', 1_500_000],
  ])
})

t.test('Staffordshire 2003/04 cost cells and budget tables', async t => {
  check(t, [
    ['£30,000', 3_000_000],
    ['£58,000', 5_800_000],
    ['£43,000', 4_300_000],
    ['£137,750', 13_775_000],
    ['£ 25,000', 2_500_000],
    ['£284,324', 28_432_400],
    ['£215,200', 21_520_000],
    ['£369,601', 36_960_100],
    // two actions' costs in one cell: the first is taken
    ['£35,000 £70,000', 3_500_000],
    ['£1,000 £ 500', 100_000],
    ['£ 500', 50_000],
    ['(See Grid 7)', null],
    // budget tables leave out the £; thousands separators still make an amount
    ['66,500', 6_650_000],
    ['84,513 (includes £15,000 from JCG for family placement)', 8_451_300],
  ])
})

t.test('amounts are exact integer pence', async t => {
  check(t, [
    ['£0.10', 10],
    ['£0.1', 10],
    ['£1.05', 105],
    ['£19.99', 1_999],
    ['£1.005k', 100_500],
    ['£2.675k', 267_500],
    ['1.2345678m', 123_456_780],
    ['£0.29m', 29_000_000],
    ['£2bn', 200_000_000_000],
    ['3 thousand', 300_000],
    ['£10 k', 1_000_000],
    ['GBP 4,400', 440_000],
    ['50p', 50],
    ['£0', 0],
    ['£999,999,999,999,999', null],
    // fractions of a penny (only reachable with a multiplier) round half up
    ['£1.234567891m', 123_456_789],
    ['£1.234567895m', 123_456_790],
  ])
  // floating point would give 1234566.9999… or 57.99999…
  t.equal(parseMoney('£12,345.67').pence, 1_234_567)
  t.equal(parseMoney('£0.58').pence, 58)
  t.equal(parseMoney('£1.1k').pence, 110_000)
})

t.test('nothing stated as the cost is 0; no amount stated is null', async t => {
  check(t, [
    ['Nil', 0],
    ['nil cost', 0],
    ['No cost', 0],
    ['None', 0],
    ['£nil', 0],
    ['Zero', 0],
    ['-', null],
    ['N/A', null],
    ['Free text with Nil in it', null],
  ])
})

t.test('words and numbers that are not money', async t => {
  check(t, [
    ['Grid8.2', null],
    ['See grid 3.1', null],
    ['2006/07', null],
    ['April 2006', null],
    ['2 per year', null],
    ['5 k workers', null],
    ['NVQ3', null],
    ['Tier 2-4', null],
    ['1,2 and 3', null],
    ['$20K', null],
    ['€5,000', null],
    ['USD 500', null],
    // ranges hold no single amount
    ['£10-15K', null],
    ['£10,000 to £15,000', null],
    ['10K - 15K', null],
    // three decimals without a multiplier: pounds and a fraction of a penny, or a typo? not guessed
    ['£12.345', null],
    // but a dash followed by words or a count is not a range
    ['£10,000 - 2 posts', 1_000_000],
    ['NVQ3 5K', 500_000],
    ['2005/6 20K', 2_000_000],
  ])
})

t.test('text is kept exactly', async t => {
  for (const text of ['  20K ', '£150,000 (Contingency)\t', 'Within role resource', '']) t.equal(parseMoney(text).text, text)
})

t.test('properties: integers round-trip through written forms', async t => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), pence => {
      const pounds = Math.floor(pence / 100)
      const p = String(pence % 100).padStart(2, '0')
      const grouped = pounds.toLocaleString('en-GB')
      return parseMoney(`£${grouped}.${p}`).pence === pence && parseMoney(`£${pounds}.${p}`).pence === pence
    }),
  )
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 999_999 }), n => parseMoney(`${n}K`).pence === n * 100_000 && parseMoney(`£${n}`).pence === n * 100),
  )
  fc.assert(
    fc.property(fc.string(), s => {
      const m = parseMoney(s)
      return m.text === s && (m.pence === null || (Number.isSafeInteger(m.pence) && m.pence >= 0))
    }),
    { numRuns: 2000 },
  )
  t.pass('properties hold')
})
