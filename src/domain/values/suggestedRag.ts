// A suggested RAG rating: percent complete against the share of the time to the due date that
// has passed. A hint for the meeting, never the rating itself (people set `rag`).
//
// The rule, in the words the basis gives:
// - no due end (`due.to` null: "Ongoing", "Quarterly", …) or no percent complete → no suggestion;
//   a progress status of `completed` counts as 100%;
// - 100% complete → green;
// - past the due end and not complete → red (overdue);
// - otherwise the shortfall = share of time elapsed − share of work done: up to 10 points green,
//   up to 25 points amber, more red.
// The time runs from the plan year's start to the end of the due period; where the due period
// itself is long (more than a quarter: "Sept 2006 – March 2007") or starts before the plan year,
// from the due period's start, since the words then say when the work runs, not just when it is due.
import type { FinancialYear } from './financialYear.js'
import type { Due, ProgressStatus, Rag } from './types.js'

export interface SuggestedRag {
  rag: Rag
  /** Why, in words a meeting reads: the figures compared and the rule applied. */
  basis: string
}

export interface SuggestionInput {
  percentComplete: number | null
  status: ProgressStatus | null
  due: Pick<Due, 'from' | 'to'>
  year: Pick<FinancialYear, 'from'>
  /** The date the suggestion is for (YYYY-MM-DD): today, or the date of an as-of read. */
  on: string
}

/** Shortfall (percentage points of time elapsed over work done) still green, and still amber. */
export const GREEN_SHORTFALL = 10
export const AMBER_SHORTFALL = 25
/** A due period longer than this (days) says when the work runs, so the time starts at its start. */
const LONG_PERIOD_DAYS = 92

export function suggestRag({ percentComplete, status, due, year, on }: SuggestionInput): SuggestedRag | null {
  const done = status === 'completed' ? 100 : percentComplete
  if (done === null || due.to === null) return null
  if (done >= 100) return { rag: 'green', basis: `complete (${status === 'completed' && percentComplete !== 100 ? 'status completed' : '100%'})` }
  if (on > due.to) return { rag: 'red', basis: `overdue: due by ${due.to}, ${done}% complete on ${on}` }
  const start = timeStart({ from: due.from, to: due.to }, year.from)
  const total = daysBetween(start.date, due.to) + 1
  const passed = on < start.date ? 0 : daysBetween(start.date, on) + 1
  const elapsed = Math.round((100 * passed) / total)
  const shortfall = elapsed - done
  const rag: Rag = shortfall <= GREEN_SHORTFALL ? 'green' : shortfall <= AMBER_SHORTFALL ? 'amber' : 'red'
  const comparison = shortfall > 0 ? `${shortfall} points behind time` : 'on or ahead of time'
  const bands = `green up to ${GREEN_SHORTFALL} points behind, amber up to ${AMBER_SHORTFALL}, red beyond`
  return { rag, basis: `${done}% complete with ${elapsed}% of the time from ${start.date} (${start.what}) to ${due.to} (due) elapsed on ${on}: ${comparison} (${bands})` }
}

function timeStart(due: Pick<Due, 'from' | 'to'> & { to: string }, yearStart: string): { date: string; what: string } {
  if (due.from !== null && (due.from < yearStart || daysBetween(due.from, due.to) + 1 > LONG_PERIOD_DAYS)) {
    return { date: due.from, what: 'start of the due period' }
  }
  // Due before the plan year with no start of its own: the span is that one day.
  if (due.to < yearStart) return { date: due.to, what: 'due' }
  return { date: yearStart, what: 'plan year start' }
}

/** Whole calendar days from one YYYY-MM-DD date to another (negative when `to` is earlier). */
function daysBetween(from: string, to: string): number {
  const utc = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)))
  return Math.round((utc(to) - utc(from)) / 86_400_000)
}
