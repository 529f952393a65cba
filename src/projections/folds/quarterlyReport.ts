// The quarterly progress report: one row per action as it stood at the end of a financial
// quarter of the plan's year — the plan state effective on the quarter's last day, as recorded
// at `asOf` — in the order of the plan. Passing the `asOf` of a meeting reproduces the report
// printed for it exactly.
import type { Rag, ProgressStatus } from '../../domain/values/types.js'
import { parseFinancialYear, quarterOf, type QuarterNumber } from '../../domain/values/financialYear.js'
import { actionsInOrder, projectPlanState, type PlanState } from './planState.js'
import type { RecordedPlanEvent } from '../recordedEvent.js'

export interface QuarterlyReportRow {
  gridNumber: number
  objectiveNumber: string | null
  actionId: string
  actionNumber: string | null
  action: string
  /** "By when" as written. */
  byWhen: string
  /** Owners joined with ", ". */
  byWhom: string
  rag: Rag | null
  status: ProgressStatus | null
  progressToDate: string | null
  furtherAction: string | null
  /** Effective date of the progress shown, or null when none was reported by the quarter's end. */
  effectiveDate: string | null
}

export interface QuarterlyReport {
  planId: string
  year: string
  quarter: { number: QuarterNumber; from: string; to: string }
  asOf: string
  /** Additions to the contract's shape, for printed headings. */
  partnership: string
  title: string
  rows: QuarterlyReportRow[]
}

export interface QuarterlyReportOptions {
  quarter: QuarterNumber
  /** ISO instant: the report as it could have been printed then. */
  asOf: string
}

export function isQuarterNumber(value: unknown): value is QuarterNumber {
  return value === 1 || value === 2 || value === 3 || value === 4
}

/** The report for a quarter of the plan's year, or null when the plan did not exist as of `asOf`. */
export function quarterlyReport(events: Iterable<RecordedPlanEvent>, options: QuarterlyReportOptions): QuarterlyReport | null {
  if (!isQuarterNumber(options.quarter)) throw new RangeError(`quarter must be 1, 2, 3 or 4, got ${String(options.quarter)}`)
  const list = Array.isArray(events) ? (events as RecordedPlanEvent[]) : [...events]
  // The plan's year is fixed at creation; find it first to know the quarter's end.
  const created = list.find(e => e.event.type === 'PlanCreated')
  if (!created || created.event.type !== 'PlanCreated') return null
  const quarter = quarterOf(parseFinancialYear(created.event.data.year), options.quarter)
  const state = projectPlanState(list, { asOf: options.asOf, effectiveOn: quarter.to })
  if (!state) return null
  return reportFromState(state, options.quarter)
}

/** The quarter of a plan's year: its number and first and last days. */
export function planQuarter(year: string, quarter: QuarterNumber): QuarterlyReport['quarter'] {
  return quarterOf(parseFinancialYear(year), quarter)
}

/** The report's rows from the plan state effective on the quarter's last day (as the caller folded it). */
export function reportFromState(state: PlanState, quarterNumber: QuarterNumber): QuarterlyReport {
  const quarter = planQuarter(state.year, quarterNumber)
  const rows: QuarterlyReportRow[] = []
  for (const { grid, objective, action } of actionsInOrder(state)) {
    rows.push({
      gridNumber: grid.number,
      objectiveNumber: objective.number,
      actionId: action.id,
      actionNumber: action.number,
      action: action.text,
      byWhen: action.due.text,
      byWhom: action.owners.join(', '),
      rag: action.rag,
      status: action.progress?.status ?? null,
      progressToDate: action.progress?.note ?? null,
      furtherAction: action.progress?.furtherAction ?? null,
      effectiveDate: action.progress?.effectiveDate ?? null,
    })
  }
  return { planId: state.id, year: state.year, quarter, asOf: state.asOf, partnership: state.partnership, title: state.title, rows }
}
