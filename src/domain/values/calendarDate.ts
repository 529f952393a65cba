import { DateTime } from 'luxon'
import { ValidationError } from '../errors.js'

/** The plan's calendar: every date a user sees is a Europe/London date. */
export const PLAN_ZONE = 'Europe/London'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** True when `text` is a real `YYYY-MM-DD` calendar date (2008-02-30 is not). Checked on every command: no date library. */
export function isCalendarDate(text: string): boolean {
  if (typeof text !== 'string' || !ISO_DATE.test(text)) return false
  const year = Number(text.slice(0, 4))
  const month = Number(text.slice(5, 7))
  const day = Number(text.slice(8, 10))
  if (month < 1 || month > 12 || day < 1) return false
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])
}

/** Returns `text` when it is a real calendar date, else throws a ValidationError naming `field`. */
export function requireCalendarDate(text: string, field: string): string {
  if (!isCalendarDate(text)) {
    throw ValidationError.field(field, `must be a real calendar date as YYYY-MM-DD, got ${JSON.stringify(text)}`)
  }
  return text
}

// London's offset from UTC changes only on the hour (01:00 UTC, last Sundays of March and
// October), so the London date of every instant in one UTC hour is the same: cache it by hour.
const londonDateByHour = new Map<number, string>()
const HOUR_MS = 3_600_000

/** The Europe/London calendar date of an instant. */
export function londonDate(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime()
  const hour = Math.floor(ms / HOUR_MS)
  let date = londonDateByHour.get(hour)
  if (date === undefined) {
    date = DateTime.fromMillis(hour * HOUR_MS, { zone: PLAN_ZONE }).toISODate()!
    if (londonDateByHour.size > 10_000) londonDateByHour.clear()
    londonDateByHour.set(hour, date)
  }
  return date
}

/** The last instant (UTC ISO) of a London calendar date: what "as at the end of that day" means. */
export function endOfLondonDay(date: string): string {
  return DateTime.fromISO(date, { zone: PLAN_ZONE }).endOf('day').toUTC().toISO()!
}
