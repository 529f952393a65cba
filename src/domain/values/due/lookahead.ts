// Reading ahead in a "by when" text's tokens without consuming them: what kind of token sits at
// an index, and the compound parts that follow a month or a quarter (a year, more quarters).
import { financialYearStarting, type FinancialYear, type QuarterNumber } from '../financialYear.js'
import { fullYear, fyStart } from './periods.js'
import type { Token } from './tokens.js'
import { LIST_JOINERS, QUARTER_WORDS } from './words.js'

/** The text names something, but not clearly enough to derive a period from ("Q1 2008"). */
export class Unclear extends Error {}

export class Lookahead {
  /** The plan year's start: two-digit years are read as the nearest year to it. */
  protected readonly near: number

  constructor(protected readonly tokens: readonly Token[], protected readonly year: FinancialYear) {
    this.near = year.startYear
  }

  protected word(i: number): string | null {
    const t = this.tokens[i]
    return t && t.kind === 'word' ? t.value : null
  }

  protected punct(i: number): string | null {
    const t = this.tokens[i]
    return t && t.kind === 'punct' ? t.value : null
  }

  /** A plain number (not "1st"). */
  protected num(i: number): string | null {
    const t = this.tokens[i]
    return t && t.kind === 'num' && !t.ordinal ? t.value : null
  }

  /** A year written after a month name, starting at token i: [year, tokens used] or null. */
  protected yearAfterMonth(i: number): [number, number] | null {
    let j = i
    while (this.punct(j) === '.' || this.punct(j) === ',' || this.punct(j) === '-') j++
    if (this.punct(j) === "'") {
      const n = this.num(j + 1)
      return n && n.length === 2 ? [fullYear(n, this.near), j + 2 - i] : null
    }
    const n = this.num(j)
    if (n && (n.length === 4 || n.length === 2)) return [fullYear(n, this.near), j + 1 - i]
    return null
  }

  /** Quarters from token i (the first quarter number): the numbers and how many tokens they used. */
  protected quarterList(i: number): [QuarterNumber[], number] {
    const qs: QuarterNumber[] = [Number(this.num(i)) as QuarterNumber]
    let j = i + 1
    for (;;) {
      const joiner = this.punct(j) ?? this.word(j)
      if (!joiner || !LIST_JOINERS.has(joiner)) break
      let k = j + 1
      const w = this.word(k)
      if (w && QUARTER_WORDS.has(w)) k++
      const n = this.num(k)
      if (!n || !/^[1-4]$/.test(n)) break
      qs.push(Number(n) as QuarterNumber)
      j = k + 1
    }
    return [qs, j - i]
  }

  /** The financial year written right after quarters, at token i: [fy, tokens used], null, or throws if unclear. */
  protected yearAfterQuarter(i: number): [FinancialYear, number] | null {
    const open = this.punct(i) === '(' ? 1 : 0
    const t = this.tokens[i + open]
    if (t && t.kind === 'fy') {
      const close = open && this.punct(i + open + 1) === ')' ? 1 : 0
      return [financialYearStarting(fyStart(t, this.near)), open + 1 + close]
    }
    // "Q1 2008", "Q1 '08": a calendar year after a quarter could mean a calendar or a financial quarter
    const n = this.num(i + open)
    if (n && n.length === 4) throw new Unclear()
    if (this.punct(i + open) === "'" && this.num(i + open + 1)) throw new Unclear()
    return null
  }
}
