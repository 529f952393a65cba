// Field parsers for commands: each turns what a caller sent into the value the decider uses,
// or throws a ValidationError naming the field. `parseFields` runs several and names every bad
// field at once.
import { ValidationError, type FieldError } from '../errors.js'
import { MAX_ITEM_NUMBER, MAX_OUTCOMES, MAX_OWNERS_PER_ACTION, MAX_SHORT_TEXT, MAX_TEXT } from '../limits.js'
import { requireCalendarDate } from '../values/calendarDate.js'
import { normaliseOwners } from '../values/owners.js'
import { PROGRESS_STATUSES, RAGS, type Money, type ProgressStatus, type Rag } from '../values/types.js'

/** Runs every parser; a parser's `undefined` leaves its field out (a change not asked for). */
export function parseFields<T extends object>(parsers: { [K in keyof T]: () => T[K] }): T {
  const errors: FieldError[] = []
  const parsed: Partial<T> = {}
  for (const key of Object.keys(parsers) as Array<keyof T>) {
    try {
      const value = parsers[key]()
      if (value !== undefined) parsed[key] = value
    } catch (e) {
      if (e instanceof ValidationError) errors.push(...e.errors)
      else throw e
    }
  }
  if (errors.length) throw new ValidationError(errors)
  return parsed as T
}

/** Trimmed text, at most `max` characters; empty only when not `required`. */
export function text(value: unknown, path: string, { required = true, max = MAX_TEXT } = {}): string {
  if (typeof value !== 'string') throw ValidationError.field(path, 'must be a string')
  const trimmed = value.trim()
  if (required && trimmed.length === 0) throw ValidationError.field(path, 'must not be empty')
  if (trimmed.length > max) throw ValidationError.field(path, `must be at most ${max} characters`)
  return trimmed
}

/** Trimmed text, or null when absent or blank. */
export function optionalText(value: unknown, path: string, max = MAX_TEXT): string | null {
  if (value === undefined || value === null) return null
  const t = text(value, path, { required: false, max })
  return t.length ? t : null
}

export function itemNumber(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null
  const t = text(value, path, { required: false, max: MAX_ITEM_NUMBER })
  return t.length ? t : null
}

export function outcomes(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw ValidationError.field(path, 'must be a list of strings')
  if (value.length > MAX_OUTCOMES) throw ValidationError.field(path, `must hold at most ${MAX_OUTCOMES} outcomes`)
  return value.map((v, i) => text(v, `${path}.${i}`)).filter(Boolean)
}

export function rag(value: unknown, path: string): Rag {
  if (typeof value !== 'string' || !RAGS.includes(value as Rag)) throw ValidationError.field(path, 'must be one of red, amber, green')
  return value as Rag
}

export function progressStatus(value: unknown, path: string): ProgressStatus | null {
  if (value === undefined || value === null) return null
  if (!PROGRESS_STATUSES.includes(value as ProgressStatus)) throw ValidationError.field(path, `must be one of ${PROGRESS_STATUSES.join(', ')}`)
  return value as ProgressStatus
}

export function percentComplete(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw ValidationError.field(path, 'must be a whole number from 0 to 100')
  }
  return value
}

/** A real calendar date no later than `today`; `today` when absent. */
export function effectiveDate(value: unknown, path: string, today: string): string {
  if (value === undefined || value === null) return today
  if (typeof value !== 'string') throw ValidationError.field(path, 'must be a date as YYYY-MM-DD')
  const date = requireCalendarDate(value, path)
  if (date > today) throw ValidationError.field(path, `must not be in the future (today is ${today})`)
  return date
}

/** Owner labels given one by one: each checked, then normalised (see values/owners.ts). */
export function ownerList(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw ValidationError.field(path, 'must be a list of owner labels')
  value.forEach((v, i) => text(v, `${path}.${i}`, { max: MAX_SHORT_TEXT }))
  const owners = normaliseOwners(value as string[])
  if (owners.length > MAX_OWNERS_PER_ACTION) throw ValidationError.field(path, `must name at most ${MAX_OWNERS_PER_ACTION} owners, got ${owners.length}`)
  return owners
}

/** A budget figure: the words as written (within the short-text limit) and pence, a safe whole number or null. */
export function budgetMoney(value: unknown, path: string): Money | null {
  if (value === null || value === undefined) return null
  const m = value as Partial<Money>
  if (typeof value !== 'object' || typeof m.text !== 'string') throw ValidationError.field(path, 'must be an amount: { text, pence }')
  if (m.text.length > MAX_SHORT_TEXT) throw ValidationError.field(`${path}.text`, `must be at most ${MAX_SHORT_TEXT} characters`)
  if (m.pence !== null && !Number.isSafeInteger(m.pence)) throw ValidationError.field(`${path}.pence`, 'must be a whole number of pence or null')
  return { text: m.text, pence: m.pence ?? null }
}

/** A budget line's label as written (not trimmed: it is the table's own wording). */
export function budgetLabel(value: unknown, path: string): string {
  if (typeof value !== 'string') throw ValidationError.field(path, 'must be a string')
  if (value.length > MAX_SHORT_TEXT) throw ValidationError.field(path, `must be at most ${MAX_SHORT_TEXT} characters`)
  return value
}
