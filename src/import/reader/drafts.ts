// What the reader builds while it walks the document: mutable drafts of grids, objectives,
// actions and progress, turned into the ParsedPlan shape once the whole document is read.
import type { BudgetLine, GridNarrativeSection } from '../../domain/events.js'
import type { SpendColumn } from '../budget.js'
import type { Rag } from '../../domain/values/types.js'
import type { SaLine } from '../selfAssessment.js'
import type { ColumnRole, TableKind } from '../tables.js'

/** The part of a grid the running text is in: decides what an ordinary line of text becomes. */
export type Section =
  | 'guidance'
  | 'self_assessment'
  | 'gap_analysis'
  | 'key_priorities'
  | 'other'
  | 'objectives_list'
  | 'objective'
  | 'outcomes'
  | 'actions'
  | 'progress'
  | 'budget_box'

export interface ProgressDraft {
  note: string
  further: string
  line: number
}

export interface ActionDraft {
  number: string | null
  text: string
  due: string
  who: string
  cost: string
  rag: string
  line: number
  progress: ProgressDraft | null
}

export interface ObjectiveDraft {
  number: string | null
  text: string
  outcomes: string[]
  line: number
  actions: ActionDraft[]
  /** The objective's actions by number, for matching progress rows in constant time. */
  byNumber: Map<string, ActionDraft[]>
  fromList: boolean
}

export interface GridDraft {
  number: number
  title: string
  noun: string
  line: number
  narratives: Map<GridNarrativeSection, { texts: string[]; line: number }>
  sa: SaLine[]
  budget: BudgetLine[]
  budgetLine: number | null
  box: Partial<Record<SpendColumn, string>>
  boxLine: number | null
  objectives: ObjectiveDraft[]
  /** Every action of the grid, in order, and by number: progress rows are matched against these. */
  actions: ActionDraft[]
  byNumber: Map<string, ActionDraft[]>
  pendingOutcomes: { texts: string[]; line: number } | null
  awaitingTitle: boolean
  /** Statements rated in a self-assessment table (running-text statements are in `sa`). */
  rated: Array<{ statement: string; rag: Rag; line: number }>
  /** The budget came from a row of a budget summary (labelled "Total"), not the grid's own table. */
  fromSummary: boolean
}

/** Where a wrapped row continues: the action's own cells, or the progress note under it. */
export type Target = { kind: 'action'; action: ActionDraft } | { kind: 'progress'; action: ActionDraft }

export interface TableState {
  kind: TableKind
  /** The header row's text (none for a table whose columns were taken from elsewhere). */
  header: string | null
  roles: ColumnRole[]
  line: number
  numbered: boolean | null
  last: Target | null
  spend: Array<{ index: number; column: SpendColumn }>
  labelIndex: number
  /** A budget table whose rows are grids (a summary at the plan's end): rows kept per grid or for the plan. */
  summary: boolean
  /** Self-assessment tables: the columns of statements and of ratings. */
  statementIndex: number
  /** Rows read so far. */
  rows: number
  /** How the table was recognised: for the dry run of its rows. */
  rule: string
}

/** A row of a budget summary, matched to a grid once the whole document is read. */
export interface SummaryRow {
  label: string
  line: BudgetLine
  at: number
}

/** A text shortened for a warning. */
export function short(text: string, max = 70): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

export function startsLower(text: string): boolean {
  return /^\p{Ll}/u.test(text)
}

export function startsWithPunctuation(text: string): boolean {
  return /^[.,;:)\]\-–—&+/]/.test(text)
}
