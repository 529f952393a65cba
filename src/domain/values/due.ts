// "By when" as people write it, and the due period it names where one can be derived.
//
// The words are always kept exactly as given; `from`/`to` (inclusive Europe/London calendar
// dates, YYYY-MM-DD) are derived only where the words name a period. Nothing here invents a
// date: words that name no period ("Ongoing", "Quarterly", "As required", "See grid 3", "TBC"),
// or that are ambiguous ("Q1 2008": calendar or financial quarter?), or that hold an impossible
// date ("31/06/2006"), derive null/null.
//
// Rules (the plan's financial year gives context):
// - A month with a year ("April 2006", "Apr 2003", "September 06", "April06", "Sept '06",
//   "04/2006") is that calendar month. A month without a year is its occurrence inside the plan
//   year (April–December → start year, January–March → the year after). Month names may be
//   full, three-letter, "Sept", or misspelt ("Spetmeber", "Febuary", "Decmber": an edit distance
//   of at most 2 for the long names, 1 for "April"; "May", "June", "July" and "March" must be
//   spelt right, since "done", "only" or "match" are one or two edits away). A bare "May" or
//   "March" without a year counts only when the text says nothing else ("As may be required" is
//   not May).
// - A number after a month name is a year ("September 06" is 2006; the century is the one
//   nearest the plan year); a number before it is a day ("30 June 2006"). "June 30, 2006" (a day
//   then a four-digit year) is read as a day too. Numeric dates are UK day/month order
//   ("30/06/2006", "30/06/06"); ISO dates ("2006-06-30") are read as such.
// - A financial year ("2006/07", "2005/6", "2006-2007", "06/07", "(07-08)") is 1 April to 31
//   March. Two numbers joined by "/" or "-" that are not consecutive years name nothing.
// - Quarters ("Qtr 1", "Qtr1", "Q1", "Quarter 1", "1st quarter", "Qtr 1 and 2", "Q1 to Q4",
//   "Qtrs 1-4") are financial quarters of the plan year, or of the financial year written right
//   after them ("Qtr 4 (07-08)", "Q1 2017/18"). A quarter followed by a bare calendar year
//   ("Q1 2008") is ambiguous and derives null/null.
// - Several periods: from = the start of the earliest, to = the end of the latest ("Sept 2003 and
//   March 2004", "Apr 2003- Dec 2003", "Q1 to Q4 from April 2017").
// - "By …", "Before …", "Until …", "End of …" in front of the first period: from = the plan
//   year's start, to = the end of the period ("By Qtr 3", "By end of March 2007"); when the
//   period ends before the plan year starts, from = the period's own start.
// - "End of year", "Year end", "By year end": read as "by the end of the plan year", i.e. the
//   whole plan year; "Year end 2007/08" is by the end of that financial year.
// - Open-ended: "From April 2006" (a single period after from/since/starting/commencing), or a
//   period followed by "on-going", "ongoing", "onwards" or "and beyond" ("April 2006 on-going",
//   "April 2017 and ongoing"): from = the start of the (earliest) period, to = null. Work that
//   continues has a start but no due end.
// - A bare calendar year ("2006") names no due period and is ignored; so are stray numbers.
import { DateTime } from 'luxon'
import type { Due } from './types.js'
import type { FinancialYear, QuarterNumber } from './financialYear.js'
import { financialYearStarting, quarterOf } from './financialYear.js'
import { PLAN_ZONE } from './calendarDate.js'

interface Period {
  from: string
  to: string
}

type Token =
  | { kind: 'word'; value: string }
  | { kind: 'num'; value: string; ordinal: boolean }
  | { kind: 'punct'; value: string }
  | { kind: 'date'; year: number; month: number; day: number; twoDigitYear: boolean }
  | { kind: 'monthYear'; year: number; month: number }
  | { kind: 'fy'; first: string; second: string }
  | { kind: 'pair' }

const MONTHS: readonly string[] = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
]

const MONTH_ABBREVIATIONS: Record<string, number> = {
  jan: 1, feb: 2, febr: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8,
  sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
}

/** Month names that are also common words: without a year they count only in a text that says nothing else. */
const AMBIGUOUS_MONTH_WORDS = new Set(['may', 'march', 'mar'])

/** Words that may surround a lone month without making it a sentence ("By end of May"). */
const FILLER_WORDS = new Set([
  'by', 'before', 'until', 'till', 'end', 'of', 'the', 'in', 'early', 'mid', 'late', 'and', 'to',
  'from', 'during', 'for', 'latest', 'at', 'ongoing', 'on', 'going', 'onwards', 'onward',
])

const BY_WORDS = new Set(['by', 'before', 'until', 'till'])
const FROM_WORDS = new Set(['from', 'since', 'starting', 'commencing', 'beginning', 'wef'])
const OPEN_WORDS = new Set(['ongoing', 'onwards', 'onward', 'beyond', 'continuing'])
/** Words that may sit between a "by"/"from" word and its period without cancelling it. */
const SKIP_WORDS = new Set(['the', 'end', 'of', 'close', 'latest', 'at', 'early', 'mid', 'late', 'in', 'during', 'no', 'later', 'than', 'on', 'or'])
const QUARTER_WORDS = new Set(['q', 'qtr', 'qtrs', 'qr', 'quarter', 'quarters', 'quater', 'quarte'])
const ORDINAL_WORDS: Record<string, QuarterNumber> = { first: 1, second: 2, third: 3, fourth: 4, last: 4 }
const LIST_JOINERS = new Set(['and', '&', ',', '-', 'to', '/', '+', 'through', 'thru'])

// One pass over the normalised text; earlier alternatives win. Groups:
// 1-3 ISO date; 4-7 day, separator, month, year (the same separator twice); 8-9 month/year;
// 10-11 two numbers joined by "/" or "-" (a financial year when consecutive);
// 12-13 a number and its ordinal suffix; 14 a word; 15 any other character.
const TOKEN =
  /(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)|(\d{1,2})([/.-])(\d{1,2})\5(\d{4}|\d{2})(?![\d/])|(\d{1,2})\/(\d{4})(?!\d)|(\d{4}|\d{2})[/-](\d{4}|\d{1,2})(?![\d/])|(\d+)(st|nd|rd|th)?|([a-z]+)|(\S)/g

function tokenize(text: string): Token[] {
  const normalised = text
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
  const tokens: Token[] = []
  for (const m of normalised.matchAll(TOKEN)) {
    if (m[1] !== undefined) {
      tokens.push({ kind: 'date', year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), twoDigitYear: false })
    } else if (m[4] !== undefined) {
      tokens.push({ kind: 'date', year: Number(m[7]), month: Number(m[6]), day: Number(m[4]), twoDigitYear: m[7].length === 2 })
    } else if (m[8] !== undefined) {
      tokens.push({ kind: 'monthYear', month: Number(m[8]), year: Number(m[9]) })
    } else if (m[10] !== undefined) {
      tokens.push(isConsecutive(m[10], m[11]) ? { kind: 'fy', first: m[10], second: m[11] } : { kind: 'pair' })
    } else if (m[12] !== undefined) {
      tokens.push({ kind: 'num', value: m[12], ordinal: m[13] !== undefined })
    } else if (m[14] !== undefined) {
      tokens.push({ kind: 'word', value: m[14] })
    } else {
      tokens.push({ kind: 'punct', value: m[15] })
    }
  }
  return tokens
}

/** "2006/07", "2005/6", "2006/2007", "06/07": the second number is the year after the first. */
function isConsecutive(first: string, second: string): boolean {
  if (second.length > first.length) return false
  const next = Number(first) + 1
  return next % 10 ** second.length === Number(second) && (second.length === first.length || first.length === 4)
}

/** The year a two-digit year most plausibly means: the one nearest the plan year. */
function fullYear(digits: string, near: number): number {
  if (digits.length === 4) return Number(digits)
  const yy = Number(digits)
  const century = Math.floor(near / 100) * 100
  const candidates = [century - 100 + yy, century + yy, century + 100 + yy]
  return candidates.reduce((best, y) => (Math.abs(y - near) < Math.abs(best - near) ? y : best))
}

function fyStart(token: { first: string }, near: number): number {
  return fullYear(token.first, near)
}

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
function monthOf(word: string): number | null {
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

function iso(year: number, month: number, day: number): string | null {
  const dt = DateTime.fromObject({ year, month, day }, { zone: PLAN_ZONE })
  return dt.isValid ? dt.toISODate() : null
}

function monthPeriod(year: number, month: number): Period | null {
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone: PLAN_ZONE })
  if (!start.isValid) return null
  return { from: start.toISODate()!, to: start.endOf('month').toISODate()! }
}

function monthInYear(fy: FinancialYear, month: number): Period {
  return monthPeriod(month >= 4 ? fy.startYear : fy.startYear + 1, month)!
}

function dayPeriod(year: number, month: number, day: number): Period | null {
  const d = iso(year, month, day)
  return d ? { from: d, to: d } : null
}

interface Found {
  period: Period
  by: boolean
  from: boolean
}

class Unclear extends Error {}

function derive(text: string, year: FinancialYear): { from: string | null; to: string | null } {
  const tokens = tokenize(text)
  const found: Found[] = []
  let by = false
  let from = false
  let openAfterPeriod = false
  const near = year.startYear

  const word = (i: number): string | null => {
    const t = tokens[i]
    return t && t.kind === 'word' ? t.value : null
  }
  const punct = (i: number): string | null => {
    const t = tokens[i]
    return t && t.kind === 'punct' ? t.value : null
  }
  const num = (i: number): string | null => {
    const t = tokens[i]
    return t && t.kind === 'num' && !t.ordinal ? t.value : null
  }
  const saysOther = (t: Token): boolean => t.kind === 'word' && !FILLER_WORDS.has(t.value) && monthOf(t.value) === null
  // Counted once: asking "does the text say anything else?" per month word would be quadratic.
  let otherWords: number | undefined
  const onlyFillerBesides = (index: number): boolean => {
    otherWords ??= tokens.filter(saysOther).length
    return otherWords - (saysOther(tokens[index]) ? 1 : 0) === 0
  }

  const add = (period: Period | null): void => {
    if (!period) throw new Unclear()
    found.push({ period, by, from })
    by = false
    from = false
  }

  /** A year written after a month name, starting at token i: [year, tokens used] or null. */
  const yearAfterMonth = (i: number): [number, number] | null => {
    let j = i
    while (punct(j) === '.' || punct(j) === ',' || punct(j) === '-') j++
    if (punct(j) === "'") {
      const n = num(j + 1)
      return n && n.length === 2 ? [fullYear(n, near), j + 2 - i] : null
    }
    const n = num(j)
    if (n && (n.length === 4 || n.length === 2)) return [fullYear(n, near), j + 1 - i]
    return null
  }

  /** Quarters from token i (the first quarter number): the numbers and how many tokens they used. */
  const quarterList = (i: number): [QuarterNumber[], number] => {
    const qs: QuarterNumber[] = [Number(num(i)) as QuarterNumber]
    let j = i + 1
    for (;;) {
      const joiner = punct(j) ?? word(j)
      if (!joiner || !LIST_JOINERS.has(joiner)) break
      let k = j + 1
      const w = word(k)
      if (w && QUARTER_WORDS.has(w)) k++
      const n = num(k)
      if (!n || !/^[1-4]$/.test(n)) break
      qs.push(Number(n) as QuarterNumber)
      j = k + 1
    }
    return [qs, j - i]
  }

  /** The financial year written right after quarters, at token i: [fy, tokens used], null, or throws if unclear. */
  const yearAfterQuarter = (i: number): [FinancialYear, number] | null => {
    const open = punct(i) === '(' ? 1 : 0
    const t = tokens[i + open]
    if (t && t.kind === 'fy') {
      const close = open && punct(i + open + 1) === ')' ? 1 : 0
      return [financialYearStarting(fyStart(t, near)), open + 1 + close]
    }
    // "Q1 2008", "Q1 '08": a calendar year after a quarter could mean a calendar or a financial quarter
    const n = num(i + open)
    if (n && n.length === 4) throw new Unclear()
    if (punct(i + open) === "'" && num(i + open + 1)) throw new Unclear()
    return null
  }

  /** "Year end", "end of year": the plan year, or the financial year written right after; returns tokens used. */
  const addYearEnd = (i: number): number => {
    const open = punct(i) === '(' ? 1 : 0
    const t = tokens[i + open]
    if (t && t.kind === 'fy') {
      const fy = financialYearStarting(fyStart(t, near))
      add({ from: fy.from, to: fy.to })
      return open + 1 + (open && punct(i + open + 1) === ')' ? 1 : 0)
    }
    add({ from: year.from, to: year.to })
    return 0
  }

  const addQuarters = (qs: QuarterNumber[], fy: FinancialYear): void => {
    const periods = qs.map(q => quarterOf(fy, q))
    add({
      from: periods.reduce((a, p) => (p.from < a ? p.from : a), periods[0].from),
      to: periods.reduce((a, p) => (p.to > a ? p.to : a), periods[0].to),
    })
  }

  let i = 0
  while (i < tokens.length) {
    const t = tokens[i]
    if (t.kind === 'date') {
      add(dayPeriod(t.twoDigitYear ? fullYear(String(t.year).padStart(2, '0'), near) : t.year, t.month, t.day))
      i++
      continue
    }
    if (t.kind === 'monthYear') {
      add(monthPeriod(t.year, t.month))
      i++
      continue
    }
    if (t.kind === 'fy') {
      const fy = financialYearStarting(fyStart(t, near))
      add({ from: fy.from, to: fy.to })
      i++
      continue
    }
    if (t.kind === 'num') {
      // "1st quarter", "2 qtr"
      const w = word(i + 1)
      if (t.ordinal && /^[1-4]$/.test(t.value) && w && QUARTER_WORDS.has(w) && w !== 'q') {
        const fyAfter = yearAfterQuarter(i + 2)
        addQuarters([Number(t.value) as QuarterNumber], fyAfter ? fyAfter[0] : year)
        i += 2 + (fyAfter ? fyAfter[1] : 0)
        continue
      }
      // "30 June 2006", "1st of April", "30th June"
      if (t.value.length <= 2) {
        const ofSkip = word(i + 1) === 'of' ? 1 : 0
        const mw = word(i + 1 + ofSkip)
        const month = mw ? monthOf(mw) : null
        if (month) {
          const y = yearAfterMonth(i + 2 + ofSkip)
          const yearOf = y ? y[0] : month >= 4 ? year.startYear : year.startYear + 1
          add(dayPeriod(yearOf, month, Number(t.value)))
          i += 2 + ofSkip + (y ? y[1] : 0)
          continue
        }
      }
      i++
      continue
    }
    if (t.kind === 'word') {
      const w = t.value
      if (BY_WORDS.has(w)) {
        by = true
        i++
        continue
      }
      if (w === 'no' && word(i + 1) === 'later' && word(i + 2) === 'than') {
        by = true
        i += 3
        continue
      }
      if (FROM_WORDS.has(w)) {
        from = true
        i++
        continue
      }
      // "end of …" means "by the end of …"; "end of (the) (financial) year" is the plan year.
      if (w === 'end' && word(i + 1) === 'of') {
        let j = i + 2
        while (word(j) === 'the' || word(j) === 'financial' || word(j) === 'plan' || word(j) === 'this' || word(j) === 'fiscal') j++
        if (word(j) === 'year') {
          by = true
          i = j + 1 + addYearEnd(j + 1)
          continue
        }
        by = true
        i += 2
        continue
      }
      if (w === 'year' && (word(i + 1) === 'end' || (punct(i + 1) === '-' && word(i + 2) === 'end'))) {
        by = true
        i += word(i + 1) === 'end' ? 2 : 3
        i += addYearEnd(i)
        continue
      }
      if (w === 'yearend') {
        by = true
        i += 1 + addYearEnd(i + 1)
        continue
      }
      if (OPEN_WORDS.has(w) || (w === 'on' && (word(i + 1) === 'going' || (punct(i + 1) === '-' && word(i + 2) === 'going')))) {
        if (found.length > 0) openAfterPeriod = true
        i++
        continue
      }
      // Quarters: "Qtr 1", "Q1", "Quarter 1 and 2", "Q1 to Q4", "first quarter"
      if (QUARTER_WORDS.has(w)) {
        let j = i + 1
        if (punct(j) === '.') j++
        const n = num(j)
        if (n && /^[1-4]$/.test(n)) {
          const [qs, used] = quarterList(j)
          const fyAfter = yearAfterQuarter(j + used)
          addQuarters(qs, fyAfter ? fyAfter[0] : year)
          i = j + used + (fyAfter ? fyAfter[1] : 0)
          continue
        }
        i++
        continue
      }
      if (w in ORDINAL_WORDS && word(i + 1) && QUARTER_WORDS.has(word(i + 1)!) && word(i + 1) !== 'q') {
        const fyAfter = yearAfterQuarter(i + 2)
        addQuarters([ORDINAL_WORDS[w]], fyAfter ? fyAfter[0] : year)
        i += 2 + (fyAfter ? fyAfter[1] : 0)
        continue
      }
      const month = monthOf(w)
      if (month) {
        // US order "June 30, 2006"
        const d = num(i + 1)
        const afterDay = punct(i + 2) === ',' ? i + 3 : i + 2
        const y4 = num(afterDay)
        if (d && d.length <= 2 && y4 && y4.length === 4) {
          add(dayPeriod(Number(y4), month, Number(d)))
          i = afterDay + 1
          continue
        }
        const next = tokens[i + 1]
        if (next && next.kind === 'fy') {
          // "Sept 2003/4": that month inside the financial year
          add(monthInYear(financialYearStarting(fyStart(next, near)), month))
          i += 2
          continue
        }
        const y = yearAfterMonth(i + 1)
        if (y) {
          add(monthPeriod(y[0], month))
          i += 1 + y[1]
          continue
        }
        if (!AMBIGUOUS_MONTH_WORDS.has(w) || onlyFillerBesides(i)) add(monthInYear(year, month))
        i++
        continue
      }
      // any other word cancels a pending "by"/"from" unless it is a linking word
      if (!SKIP_WORDS.has(w)) {
        by = false
        from = false
      }
      i++
      continue
    }
    i++
  }

  if (found.length === 0) return { from: null, to: null }
  let start = found.reduce((a, f) => (f.period.from < a ? f.period.from : a), found[0].period.from)
  const end = found.reduce((a, f) => (f.period.to > a ? f.period.to : a), found[0].period.to)
  const first = found[0]
  if (first.by && year.from <= end && year.from < start) start = year.from
  const open = openAfterPeriod || (first.from && found.length === 1)
  return { from: start, to: open ? null : end }
}

/** Keeps `text` exactly as given (no trimming of the stored text), and derives from/to (YYYY-MM-DD, inclusive) where the words name a period in or around the plan's financial year `year`; null/null where no single due period can be derived. Never invents a date. */
export function deriveDue(text: string, year: FinancialYear): Due {
  try {
    const { from, to } = derive(text, year)
    return { text, from, to }
  } catch (e) {
    if (e instanceof Unclear) return { text, from: null, to: null }
    throw e
  }
}
