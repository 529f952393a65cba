// The words a "by when" text is read by: month names (and their common misspellings), and the
// small vocabularies of "by", "from", "ongoing", quarters and filler.
import type { QuarterNumber } from '../financialYear.js'

const MONTHS: readonly string[] = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
]

const MONTH_ABBREVIATIONS: Record<string, number> = {
  jan: 1, feb: 2, febr: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8,
  sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
}

/** Month names that are also common words: without a year they count only in a text that says nothing else. */
export const AMBIGUOUS_MONTH_WORDS = new Set(['may', 'march', 'mar'])

/** Words that may surround a lone month without making it a sentence ("By end of May"). */
export const FILLER_WORDS = new Set([
  'by', 'before', 'until', 'till', 'end', 'of', 'the', 'in', 'early', 'mid', 'late', 'and', 'to',
  'from', 'during', 'for', 'latest', 'at', 'ongoing', 'on', 'going', 'onwards', 'onward',
])

export const BY_WORDS = new Set(['by', 'before', 'until', 'till'])
export const FROM_WORDS = new Set(['from', 'since', 'starting', 'commencing', 'beginning', 'wef'])
export const OPEN_WORDS = new Set(['ongoing', 'onwards', 'onward', 'beyond', 'continuing'])
/** Words that may sit between a "by"/"from" word and its period without cancelling it. */
export const SKIP_WORDS = new Set(['the', 'end', 'of', 'close', 'latest', 'at', 'early', 'mid', 'late', 'in', 'during', 'no', 'later', 'than', 'on', 'or'])
/** Words between "end of" and "year" that keep it the year's end ("end of the financial year"). */
export const YEAR_QUALIFIERS = new Set(['the', 'financial', 'plan', 'this', 'fiscal'])
export const QUARTER_WORDS = new Set(['q', 'qtr', 'qtrs', 'qr', 'quarter', 'quarters', 'quater', 'quarte'])
export const ORDINAL_WORDS: Record<string, QuarterNumber> = { first: 1, second: 2, third: 3, fourth: 4, last: 4 }
export const LIST_JOINERS = new Set(['and', '&', ',', '-', 'to', '/', '+', 'through', 'thru'])

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0)
    row[0] = i
    return row
  })
  for (let j = 0; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The month (1–12) a word names, allowing common misspellings of the longer names. */
export function monthOf(word: string): number | null {
  const exact = MONTHS.indexOf(word)
  if (exact >= 0) return exact + 1
  if (word in MONTH_ABBREVIATIONS) return MONTH_ABBREVIATIONS[word]
  if (word.length < 4) return null
  for (let i = 0; i < MONTHS.length; i++) {
    const name = MONTHS[i]
    if (name[0] !== word[0]) continue
    const allowed = name.length >= 6 ? 2 : name === 'april' ? 1 : 0
    if (allowed > 0 && Math.abs(name.length - word.length) <= allowed && editDistance(word, name) <= allowed) return i + 1
  }
  return null
}
