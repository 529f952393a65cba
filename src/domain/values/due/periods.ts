// The periods a "by when" text can name, as inclusive Europe/London calendar dates: a day, a
// month, a month inside a financial year, a run of quarters; and how two-digit years are read.
import { DateTime } from 'luxon'
import { PLAN_ZONE } from '../calendarDate.js'
import { quarterOf, type FinancialYear, type QuarterNumber } from '../financialYear.js'

export interface Period {
  from: string
  to: string
}

/** The year a two-digit year most plausibly means: the one nearest the plan year. */
export function fullYear(digits: string, near: number): number {
  if (digits.length === 4) return Number(digits)
  const yy = Number(digits)
  const century = Math.floor(near / 100) * 100
  const candidates = [century - 100 + yy, century + yy, century + 100 + yy]
  return candidates.reduce((best, y) => (Math.abs(y - near) < Math.abs(best - near) ? y : best))
}

/** The start year of a financial year written as two numbers ("2006/07", "06/07"). */
export function fyStart(token: { first: string }, near: number): number {
  return fullYear(token.first, near)
}

export function monthPeriod(year: number, month: number): Period | null {
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone: PLAN_ZONE })
  if (!start.isValid) return null
  return { from: start.toISODate()!, to: start.endOf('month').toISODate()! }
}

/** A month inside a financial year: April–December of its start year, January–March of the next. */
export function monthInYear(fy: FinancialYear, month: number): Period {
  return monthPeriod(month >= 4 ? fy.startYear : fy.startYear + 1, month)!
}

export function dayPeriod(year: number, month: number, day: number): Period | null {
  const dt = DateTime.fromObject({ year, month, day }, { zone: PLAN_ZONE })
  const d = dt.isValid ? dt.toISODate() : null
  return d ? { from: d, to: d } : null
}

/** From the start of the earliest quarter to the end of the latest. */
export function quartersPeriod(qs: QuarterNumber[], fy: FinancialYear): Period {
  const periods = qs.map(q => quarterOf(fy, q))
  return {
    from: periods.reduce((a, p) => (p.from < a ? p.from : a), periods[0].from),
    to: periods.reduce((a, p) => (p.to > a ? p.to : a), periods[0].to),
  }
}
