import { ValidationError } from '../errors.js'

/** A UK financial year, "2006/07": 1 April 2006 to 31 March 2007. */
export interface FinancialYear {
  label: string
  startYear: number
  from: string
  to: string
}

export type QuarterNumber = 1 | 2 | 3 | 4

const LABEL = /^(\d{4})\/(\d{2})$/

export function parseFinancialYear(label: string, field = 'year'): FinancialYear {
  const m = LABEL.exec(label)
  if (!m) throw ValidationError.field(field, `must be a financial year as YYYY/YY, e.g. "2008/09", got ${JSON.stringify(label)}`)
  const startYear = Number(m[1])
  if ((startYear + 1) % 100 !== Number(m[2])) {
    throw ValidationError.field(field, `"${label}" is not a financial year: the second part must be the year after ${startYear}`)
  }
  if (startYear < 1900 || startYear > 2199) throw ValidationError.field(field, `year ${startYear} is out of range`)
  return financialYearStarting(startYear)
}

export function financialYearStarting(startYear: number): FinancialYear {
  const label = `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`
  return { label, startYear, from: `${startYear}-04-01`, to: `${startYear + 1}-03-31` }
}

/** The financial year that contains a calendar date (YYYY-MM-DD). */
export function financialYearOf(date: string): FinancialYear {
  const year = Number(date.slice(0, 4))
  const month = Number(date.slice(5, 7))
  return financialYearStarting(month >= 4 ? year : year - 1)
}

const QUARTER_BOUNDS: Record<QuarterNumber, [string, string, 0 | 1]> = {
  1: ['04-01', '06-30', 0],
  2: ['07-01', '09-30', 0],
  3: ['10-01', '12-31', 0],
  4: ['01-01', '03-31', 1],
}

/** Financial quarter q of a year: Q1 April–June … Q4 January–March of the following calendar year. */
export function quarterOf(fy: FinancialYear, q: QuarterNumber): { number: QuarterNumber; from: string; to: string } {
  const [from, to, offset] = QUARTER_BOUNDS[q]
  const y = fy.startYear + offset
  return { number: q, from: `${y}-${from}`, to: `${y}-${to}` }
}
