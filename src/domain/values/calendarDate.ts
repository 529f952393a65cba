import { DateTime } from 'luxon'
import { ValidationError } from '../errors.js'

/** The plan's calendar: every date a user sees is a Europe/London date. */
export const PLAN_ZONE = 'Europe/London'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** True when `text` is a real `YYYY-MM-DD` calendar date (2008-02-30 is not). */
export function isCalendarDate(text: string): boolean {
  return ISO_DATE.test(text) && DateTime.fromISO(text, { zone: 'UTC' }).isValid
}

/** Returns `text` when it is a real calendar date, else throws a ValidationError naming `field`. */
export function requireCalendarDate(text: string, field: string): string {
  if (!isCalendarDate(text)) {
    throw ValidationError.field(field, `must be a real calendar date as YYYY-MM-DD, got ${JSON.stringify(text)}`)
  }
  return text
}

/** The Europe/London calendar date of an instant. */
export function londonDate(instant: Date | string): string {
  const dt = typeof instant === 'string' ? DateTime.fromISO(instant, { zone: 'UTC' }) : DateTime.fromJSDate(instant)
  return dt.setZone(PLAN_ZONE).toISODate()!
}

/** The last instant (UTC ISO) of a London calendar date: what "as at the end of that day" means. */
export function endOfLondonDay(date: string): string {
  return DateTime.fromISO(date, { zone: PLAN_ZONE }).endOf('day').toUTC().toISO()!
}
