// What a table's cells hold, judged by the domain's own readers of values: an action number
// ("A1.1", "2.3"), an amount of money (Money), a due period (Due), a RAG rating. A column is
// given a role by its content when most of its non-empty cells agree; the reader uses that for
// columns whose header names nothing it knows, and for tables with no header at all.
import { parseFinancialYear, type FinancialYear } from '../domain/values/financialYear.js'
import { deriveDue } from '../domain/values/due.js'
import { parseMoney } from '../domain/values/money.js'
import { DEFAULT_RULES, type ImportRules, type KnownColumn, type Rating } from './profile.js'

/** An action number as a cell holds it: "A1.1", "2.4", "3a", "1." (a bare "12" is only "integer"). */
export const ACTION_NUMBER_CELL = /^([A-Za-z]?\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?)\.?$/

export type CellKind = 'number' | 'integer' | 'money' | 'when' | 'rag' | 'email' | 'text'

/** A value is a short cell: "£5,000", "June 2010"; a sentence that mentions one is text. */
const MAX_VALUE_LENGTH = 40
const MAX_VALUE_WORDS = 6
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,200}\.[^\s@]{2,20}$/

/**
 * Content evidence outvotes a weak or absent header only when at least this share of the
 * column's non-empty cells (and at least MIN_CELLS of them) agree: one stray date in a column of
 * names, or one "£" in a column of notes, never makes it a date or cost column.
 */
export const CONTENT_MAJORITY = 2 / 3
export const MIN_CELLS = 2
/** Rows below a header read for evidence: enough to judge a column, bounded so reading stays linear. */
export const CONTENT_ROWS = 40
/** Columns judged by content: wider tables are not action tables. */
export const CONTENT_COLUMNS = 16

/** The RAG rating a cell holds (its letters, by the profile's rag words), as assemble.ts reads it. */
export function ragWord(text: string, rules: ImportRules = DEFAULT_RULES): Rating | null {
  return rules.ratingOf(text.trim().toLowerCase().replace(/[^\p{L}]/gu, ''))
}

export function planYearOf(label: string): FinancialYear | null {
  try {
    return parseFinancialYear(label)
  } catch {
    return null
  }
}

/** What one cell holds; null when it is empty. */
export function cellKind(text: string, year: FinancialYear | null, rules: ImportRules = DEFAULT_RULES): CellKind | null {
  const t = text.trim()
  if (!t) return null
  if (/^\p{L}{1,20}\.?$/u.test(t) && ragWord(t, rules)) return 'rag'
  const n = ACTION_NUMBER_CELL.exec(t)
  // "Q2" is a quarter, not an action number: a lettered number that names a period is a date.
  if (n && !(/^[a-z]/i.test(t) && year && derivesPeriod(t, year))) return /[.a-z]/i.test(n[1]) ? 'number' : 'integer'
  if (t.length > MAX_VALUE_LENGTH || t.split(/\s+/).length > MAX_VALUE_WORDS) return 'text'
  if (EMAIL.test(t)) return 'email'
  if (parseMoney(t).pence !== null) return 'money'
  if (year && derivesPeriod(t, year)) return 'when'
  return 'text'
}

function derivesPeriod(text: string, year: FinancialYear): boolean {
  const due = deriveDue(text, year)
  return due.from !== null || due.to !== null
}

export type ContentRole = Extract<KnownColumn, 'number' | 'cost' | 'when' | 'rag'> | 'email' | 'amount'

export interface ColumnEvidence {
  role: ContentRole | null
  /** Cells that agree with the role, of the column's non-empty cells. */
  agree: number
  of: number
  /** Mean length of the column's non-empty cells. */
  meanLength: number
  /** Most cells are money or bare numbers: amounts, under a header that says they are. */
  amountLike: boolean
  kinds: Array<CellKind | null>
}

function majority(agree: number, of: number): boolean {
  return of >= MIN_CELLS && agree >= of * CONTENT_MAJORITY
}

/**
 * The role a column's cells give it. Bare integers ("402", "3") count for an action-number
 * column when it also holds dotted or lettered numbers, or when they rise down the column
 * (1, 2, 3…); for an amount column when it also holds money.
 */
export function columnEvidence(cells: string[], year: FinancialYear | null, rules: ImportRules = DEFAULT_RULES): ColumnEvidence {
  const kinds = cells.map(c => cellKind(c, year, rules))
  const count = (k: CellKind) => kinds.filter(x => x === k).length
  const filled = cells.filter(c => c.trim())
  const of = filled.length
  const meanLength = of ? filled.reduce((n, c) => n + c.trim().length, 0) / of : 0
  const integers = count('integer')
  const amountLike = majority(count('money') + integers, of)
  const result = (role: ContentRole | null, agree: number): ColumnEvidence => ({ role, agree, of, meanLength, amountLike, kinds })
  if (majority(count('rag'), of)) return result('rag', count('rag'))
  if (count('number') > 0 && majority(count('number') + integers, of)) return result('number', count('number') + integers)
  if (count('money') > 0 && majority(count('money') + integers, of)) return result('amount', count('money') + integers)
  if (majority(integers, of) && rising(cells)) return result('number', integers)
  if (majority(count('when'), of)) return result('when', count('when'))
  if (majority(count('email'), of)) return result('email', count('email'))
  return result(null, 0)
}

function rising(cells: string[]): boolean {
  const values = cells.map(c => c.trim()).filter(Boolean).map(c => Number.parseInt(c, 10)).filter(n => !Number.isNaN(n))
  return values.length >= MIN_CELLS && values.every((v, i) => i === 0 || v > values[i - 1])
}

/** The cells of each column (up to CONTENT_COLUMNS) of the rows given. */
export function columnsOf(rows: string[][], width: number): string[][] {
  const n = Math.min(width, CONTENT_COLUMNS)
  return Array.from({ length: n }, (_, i) => rows.map(r => r[i] ?? ''))
}
