// Reading a "by when" text's tokens from left to right: each step reads one token (and what
// belongs to it) and returns where the next step starts. Periods found are collected with the
// "by"/"from" words pending before them; `result` turns them into one due period.
import { financialYearStarting, type QuarterNumber } from '../financialYear.js'
import { Lookahead, Unclear } from './lookahead.js'
import { dayPeriod, fullYear, fyStart, monthInYear, monthPeriod, quartersPeriod, type Period } from './periods.js'
import type { Token } from './tokens.js'
import { AMBIGUOUS_MONTH_WORDS, BY_WORDS, FILLER_WORDS, FROM_WORDS, monthOf, OPEN_WORDS, ORDINAL_WORDS, QUARTER_WORDS, SKIP_WORDS, YEAR_QUALIFIERS } from './words.js'

interface Found {
  period: Period
  by: boolean
  from: boolean
}

const saysOther = (t: Token): boolean => t.kind === 'word' && !FILLER_WORDS.has(t.value) && monthOf(t.value) === null

export class DueReader extends Lookahead {
  private readonly found: Found[] = []
  private by = false
  private from = false
  private openAfterPeriod = false
  /** Counted once: asking "does the text say anything else?" per month word would be quadratic. */
  private otherWords: number | undefined

  /** The due period the tokens name: from/to, either null where none can be derived; throws Unclear. */
  read(): { from: string | null; to: string | null } {
    let i = 0
    while (i < this.tokens.length) i = this.step(i)
    return this.result()
  }

  private step(i: number): number {
    const t = this.tokens[i]
    switch (t.kind) {
      case 'date':
        this.add(dayPeriod(t.twoDigitYear ? fullYear(String(t.year).padStart(2, '0'), this.near) : t.year, t.month, t.day))
        return i + 1
      case 'monthYear':
        this.add(monthPeriod(t.year, t.month))
        return i + 1
      case 'fy':
        this.addFinancialYear(t)
        return i + 1
      case 'num':
        return this.number(i, t.value, t.ordinal)
      case 'word':
        return this.wordAt(i, t.value)
      default:
        return i + 1
    }
  }

  /** "1st quarter", "2 qtr"; "30 June 2006", "1st of April", "30th June". */
  private number(i: number, value: string, ordinal: boolean): number {
    const w = this.word(i + 1)
    if (ordinal && /^[1-4]$/.test(value) && w && QUARTER_WORDS.has(w) && w !== 'q') return this.addQuartersThen([Number(value) as QuarterNumber], i + 2)
    if (value.length <= 2) {
      const ofSkip = this.word(i + 1) === 'of' ? 1 : 0
      const mw = this.word(i + 1 + ofSkip)
      const month = mw ? monthOf(mw) : null
      if (month) {
        const y = this.yearAfterMonth(i + 2 + ofSkip)
        const yearOf = y ? y[0] : month >= 4 ? this.year.startYear : this.year.startYear + 1
        this.add(dayPeriod(yearOf, month, Number(value)))
        return i + 2 + ofSkip + (y ? y[1] : 0)
      }
    }
    return i + 1
  }

  private wordAt(i: number, w: string): number {
    const next = this.marker(i, w) ?? this.quarters(i, w)
    if (next !== null) return next
    const month = monthOf(w)
    if (month) return this.month(i, w, month)
    // any other word cancels a pending "by"/"from" unless it is a linking word
    if (!SKIP_WORDS.has(w)) {
      this.by = false
      this.from = false
    }
    return i + 1
  }

  /** Words that bend the periods around them: "by", "no later than", "from", "end of", "year end", "ongoing". */
  private marker(i: number, w: string): number | null {
    if (BY_WORDS.has(w)) {
      this.by = true
      return i + 1
    }
    if (w === 'no' && this.word(i + 1) === 'later' && this.word(i + 2) === 'than') {
      this.by = true
      return i + 3
    }
    if (FROM_WORDS.has(w)) {
      this.from = true
      return i + 1
    }
    // "end of …" means "by the end of …"; "end of (the) (financial) year" is the plan year.
    if (w === 'end' && this.word(i + 1) === 'of') {
      let j = i + 2
      while (YEAR_QUALIFIERS.has(this.word(j) ?? '')) j++
      this.by = true
      return this.word(j) === 'year' ? j + 1 + this.addYearEnd(j + 1) : i + 2
    }
    if (w === 'year' && (this.word(i + 1) === 'end' || (this.punct(i + 1) === '-' && this.word(i + 2) === 'end'))) {
      this.by = true
      const after = i + (this.word(i + 1) === 'end' ? 2 : 3)
      return after + this.addYearEnd(after)
    }
    if (w === 'yearend') {
      this.by = true
      return i + 1 + this.addYearEnd(i + 1)
    }
    if (OPEN_WORDS.has(w) || (w === 'on' && (this.word(i + 1) === 'going' || (this.punct(i + 1) === '-' && this.word(i + 2) === 'going')))) {
      if (this.found.length > 0) this.openAfterPeriod = true
      return i + 1
    }
    return null
  }

  /** "Qtr 1", "Q1", "Quarter 1 and 2", "Q1 to Q4", "first quarter". */
  private quarters(i: number, w: string): number | null {
    if (QUARTER_WORDS.has(w)) {
      let j = i + 1
      if (this.punct(j) === '.') j++
      const n = this.num(j)
      if (!n || !/^[1-4]$/.test(n)) return i + 1
      const [qs, used] = this.quarterList(j)
      return this.addQuartersThen(qs, j + used)
    }
    const next = this.word(i + 1)
    if (w in ORDINAL_WORDS && next && QUARTER_WORDS.has(next) && next !== 'q') return this.addQuartersThen([ORDINAL_WORDS[w]], i + 2)
    return null
  }

  private month(i: number, w: string, month: number): number {
    // US order "June 30, 2006"
    const d = this.num(i + 1)
    const afterDay = this.punct(i + 2) === ',' ? i + 3 : i + 2
    const y4 = this.num(afterDay)
    if (d && d.length <= 2 && y4 && y4.length === 4) {
      this.add(dayPeriod(Number(y4), month, Number(d)))
      return afterDay + 1
    }
    const next = this.tokens[i + 1]
    if (next && next.kind === 'fy') {
      // "Sept 2003/4": that month inside the financial year
      this.add(monthInYear(financialYearStarting(fyStart(next, this.near)), month))
      return i + 2
    }
    const y = this.yearAfterMonth(i + 1)
    if (y) {
      this.add(monthPeriod(y[0], month))
      return i + 1 + y[1]
    }
    if (!AMBIGUOUS_MONTH_WORDS.has(w) || this.onlyFillerBesides(i)) this.add(monthInYear(this.year, month))
    return i + 1
  }

  private onlyFillerBesides(index: number): boolean {
    this.otherWords ??= this.tokens.filter(saysOther).length
    return this.otherWords - (saysOther(this.tokens[index]) ? 1 : 0) === 0
  }

  private add(period: Period | null): void {
    if (!period) throw new Unclear()
    this.found.push({ period, by: this.by, from: this.from })
    this.by = false
    this.from = false
  }

  private addFinancialYear(t: { first: string }): void {
    const fy = financialYearStarting(fyStart(t, this.near))
    this.add({ from: fy.from, to: fy.to })
  }

  /** Quarters of the financial year written at token `at` (else the plan year); returns the index after it. */
  private addQuartersThen(qs: QuarterNumber[], at: number): number {
    const fyAfter = this.yearAfterQuarter(at)
    this.add(quartersPeriod(qs, fyAfter ? fyAfter[0] : this.year))
    return at + (fyAfter ? fyAfter[1] : 0)
  }

  /** "Year end", "end of year": the plan year, or the financial year written right after; returns tokens used. */
  private addYearEnd(i: number): number {
    const open = this.punct(i) === '(' ? 1 : 0
    const t = this.tokens[i + open]
    if (t && t.kind === 'fy') {
      this.addFinancialYear(t)
      return open + 1 + (open && this.punct(i + open + 1) === ')' ? 1 : 0)
    }
    this.add({ from: this.year.from, to: this.year.to })
    return 0
  }

  private result(): { from: string | null; to: string | null } {
    const found = this.found
    if (found.length === 0) return { from: null, to: null }
    let start = found.reduce((a, f) => (f.period.from < a ? f.period.from : a), found[0].period.from)
    const end = found.reduce((a, f) => (f.period.to > a ? f.period.to : a), found[0].period.to)
    const first = found[0]
    if (first.by && this.year.from <= end && this.year.from < start) start = this.year.from
    const open = this.openAfterPeriod || (first.from && found.length === 1)
    return { from: start, to: open ? null : end }
  }
}

