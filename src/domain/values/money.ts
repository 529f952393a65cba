// "Costs/budget" as people write it, and the amount in pence (GBP) where the words hold one.
//
// The words are always kept exactly as given. `pence` is an exact integer (the arithmetic is
// done on the digits as written, never in floating point), or null where the words hold no
// amount.
//
// Rules:
// - An amount is a number written with a pound sign ("£150,000", "£ 4,400", "GBP 500",
//   "£12,345.67"), with a multiplier ("20K", "20k", "£1.5m", "£1.5 million", "3 thousand",
//   "£2bn"), with proper thousands separators ("66,500", "1,079K": the budget tables of the
//   plans leave out the £), or in pence ("50p"). A bare number ("2006", "3", "Grid 2 and 3", a
//   year, a grid number) is not money. "k" and "m" count only right after the number, or after
//   a space when a £ is written ("£10 k"): "5 k workers" is not money.
// - The first amount in the words is the cost: "50k - TBC" → 50K, "30K – CDRP funding" → 30K,
//   "50K (+100K day programme places)" → 50K (the bracket is a further, separately funded
//   item), "Carers Grant (non PTB 15K)" → 15K (the amount is in the words, and the funding
//   source is kept in `text`), "£30,000 £21,800" → £30,000.
// - No single amount → null: a range ("£10-15K", "£10,000 to £15,000"), a share of a pot
//   ("Share of 10K allocation"), a foreign currency ("$500"), more than two decimal places
//   without a multiplier ("£12.345"), and words without any amount ("Within role resource",
//   "DIP Funding", "Home Office funded", "Non PTB", "See Grid 2 and 3", "Awaiting JCG
//   decision", "TBC", "").
// - A cell that says the cost is nothing ("Nil", "Nil cost", "No cost", "None", "Zero", "£0")
//   is 0 pence: a stated amount of nothing, unlike "Within resources", which states none.
// - Amounts past Number.MAX_SAFE_INTEGER pence are not representable and give null.
import type { Money } from './types.js'

// Whitespace between the sign and the digits is taken only after a sign: `(£|gbp)?(\s*)` would
// try every position of a long run of spaces afresh (quadratic in the run).
const AMOUNT =
  /(?<![\w.,£])(?:(£|gbp)(\s*))?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:(\s?)(k|m|mn|mil|million|bn|billion|thousand|p)(?![a-z]))?/gi

const MULTIPLIER_EXPONENT: Record<string, number> = {
  k: 3, thousand: 3, m: 6, mn: 6, mil: 6, million: 6, bn: 9, billion: 9, p: -2,
}

const NOTHING = /^\s*(?:£\s*)?(?:nil|nil cost|no cost|no costs|none|zero|zero cost)\s*(?:\.\s*)?$/i

const FOREIGN_SIGNS = '$€¥'
const FOREIGN_WORDS = new Set(['usd', 'eur', 'euro', 'euros'])
const SHARE_WORDS = new Set(['share', 'part', 'portion', 'proportion'])

// What is written right before an amount is read backwards from it, a few characters at most:
// a regular expression anchored at the end of all the text before each number would read that
// text again for every number in the cell (quadratic).
const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c)
const isWordChar = (c: string | undefined): boolean => c !== undefined && /\w/.test(c)

/** The index where the whitespace ending at `end` starts. */
function spacesBack(text: string, end: number): number {
  while (end > 0 && isSpace(text[end - 1])) end--
  return end
}

/** The whole word (\w characters) ending at `end`, lower case, or null when it is longer than `max`. */
function wordBack(text: string, end: number, max: number): string | null {
  let start = end
  while (start > 0 && isWordChar(text[start - 1])) {
    if (end - start === max) return null
    start--
  }
  return text.slice(start, end).toLowerCase()
}

/** "$500", "€ 20k", "USD 500", "euros 20": an amount in another currency. */
function foreignBefore(text: string, index: number): boolean {
  const end = spacesBack(text, index)
  if (end > 0 && FOREIGN_SIGNS.includes(text[end - 1])) return true
  const word = wordBack(text, end, 5)
  return word !== null && FOREIGN_WORDS.has(word)
}

/** "Share of 10K", "part of £5,000": a share of a pot, not a cost. */
function shareBefore(text: string, index: number): boolean {
  const end = spacesBack(text, index)
  if (wordBack(text, end, 2) !== 'of') return false
  const gap = spacesBack(text, end - 2)
  if (gap === end - 2) return false
  const word = wordBack(text, gap, 10)
  return word !== null && SHARE_WORDS.has(word)
}
const RANGE_AFTER = /^\s*(?:-|–|—|to)\s*(?:(?:£|gbp)\s*\d|\d+(?:\.\d+)?\s?(?:k|m|mn|mil|million|bn|billion|thousand)(?![a-z])|\d{1,3}(?:,\d{3})+)/i

/**
 * digits × 10^exponent, rounded half up to an integer; null when it is not a safe integer.
 * Worked on the digits as text, so a cell of thousands of digits costs no more than reading it.
 */
function scale(digits: string, exponent: number): number | null {
  let whole = digits
  let roundUp = false
  if (exponent > 0) whole = digits + '0'.repeat(exponent)
  else if (exponent < 0) {
    const keep = digits.length + exponent
    whole = keep > 0 ? digits.slice(0, keep) : ''
    // Half up: the dropped digits are at least half of 10^-exponent when the first of them is 5 or more.
    roundUp = keep >= 0 && digits[keep] >= '5'
  }
  whole = whole.replace(/^0+/, '')
  if (whole.length > String(Number.MAX_SAFE_INTEGER).length) return null
  const value = BigInt(whole || '0') + (roundUp ? 1n : 0n)
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null
}

function pennies(text: string): number | null {
  if (NOTHING.test(text)) return 0
  for (const m of text.matchAll(AMOUNT)) {
    const [whole, sign, , integer, fraction = '', space, rawSuffix] = m
    const index = m.index ?? 0
    if (foreignBefore(text, index)) continue
    const pound = sign !== undefined
    let suffix: string | undefined = rawSuffix?.toLowerCase()
    // "5 k workers": a lone letter after a space is a multiplier only when a £ says this is money
    if (suffix && space && suffix.length === 1 && !pound) suffix = undefined
    const grouped = integer.includes(',')
    if (!pound && !suffix && !grouped) continue
    if (shareBefore(text, index)) return null
    const end = index + (suffix ? whole.length : whole.length - (rawSuffix ? rawSuffix.length + (space?.length ?? 0) : 0))
    if (RANGE_AFTER.test(text.slice(end))) return null
    const digits = integer.replace(/,/g, '') + fraction
    if (suffix === 'p') return fraction ? null : scale(digits, 0)
    if (!suffix && fraction.length > 2) return null
    const exponent = (suffix ? MULTIPLIER_EXPONENT[suffix] : 0) + 2 - fraction.length
    return scale(digits, exponent)
  }
  return null
}

/** Keeps `text` exactly; pence is the integer amount in pence (GBP) where the words hold one, else null. */
export function parseMoney(text: string): Money {
  return { text, pence: pennies(text) }
}
