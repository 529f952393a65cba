// What a table is and what each of its columns holds: by the header's words (the profile's
// column words and table words) and by the cells below it (columnContent.ts). A header that
// names a column confidently keeps it; content fills in what the header leaves unnamed, and
// recognises tables whose header is missing, misleading or in another language. Tables that
// hold no actions (budgets, self-assessment grids, progress reports, contact lists) are
// recognised as what they are.
import type { FinancialYear } from '../domain/values/financialYear.js'
import { cellKind, columnEvidence, columnsOf, type CellKind, type ColumnEvidence, type ContentRole } from './columnContent.js'
import { splitActionNumber } from './actions.js'
import { yearsIn } from './gridStructure.js'
import { DEFAULT_RULES, type ImportRules, type KnownColumn } from './profile.js'

export type ColumnRole = KnownColumn | null

/** What a table is: actions, a budget, a progress report, a self-assessment grid, or one left out. */
export type TableKind = 'actions' | 'budget' | 'progress' | 'selfAssessment' | 'ignored'

export interface TableHeader {
  kind: TableKind
  roles: ColumnRole[]
  /** Which header cell gave which column, by which profile phrase or by what its cells hold: for the dry run. */
  rule: string
  /** The row is the table's first data row, not a header (the table has none). */
  headerless?: boolean
  /** Budget tables: the columns holding amounts. */
  spend?: number[]
  /** Self-assessment tables: the column of statements. */
  statement?: number
  /** Why a table is left out (kind 'ignored'). */
  reason?: string
  /** Columns named by their cells rather than their header. */
  byContent?: number
  /** Action and progress tables: each named column, its role and why, for the dry run. */
  columns?: string[]
}

/** The rows below a header (or a headerless table's rows) and the plan year their dates are read in. */
export interface TableContent {
  rows: string[][]
  year: FinancialYear | null
}

interface Column {
  text: string
  role: ColumnRole
  /** How the role was given: the profile phrase, "content", "position". */
  how: { by: 'header'; phrase: string } | { by: 'content'; evidence: ColumnEvidence } | { by: 'position'; why: string } | null
  evidence: ColumnEvidence | null
}

/** Longest cell of a row taken as a header of a table that is not an action table. */
const MAX_HEADER_CELL = 40

const CONTENT_TO_ROLE: Partial<Record<ContentRole, KnownColumn>> = { number: 'number', when: 'when', rag: 'rag', amount: 'cost' }

const KIND_WORDS: Record<CellKind, string> = {
  number: 'action numbers',
  integer: 'numbers',
  money: 'money',
  when: 'dates or timescales',
  rag: 'RAG ratings',
  email: 'e-mail addresses',
  text: 'text',
}

function contentWhy(e: ColumnEvidence, role: ContentRole): string {
  const words = role === 'amount' ? 'amounts of money' : role === 'number' ? 'action numbers' : KIND_WORDS[role as CellKind]
  return `by content: ${e.agree} of ${e.of} cells are ${words}`
}

function describe(columns: Column[]): string {
  return describeEach(columns).join(', ')
}

function describeEach(columns: Column[]): string[] {
  return columns
    .map((c, i) => {
      const name = c.text ? `"${c.text}"` : `column ${i + 1}`
      if (!c.how) return null
      if (c.how.by === 'header') return `${name} is ${c.role} (by header: profile word "${c.how.phrase}")`
      if (c.how.by === 'content') return `${name} is ${c.role} (${contentWhy(c.how.evidence, c.how.evidence.role!)})`
      return `${name} is ${c.role} (by position: ${c.how.why})`
    })
    .filter((d): d is string => d !== null)
}

/**
 * Recognises a header row: an action table (action/when/who/cost/number/RAG), a progress report,
 * a budget, a self-assessment grid, a contact list or a table the profile says to skip. With
 * `content` (the rows below), columns the header leaves unnamed are named by what they hold.
 */
export function recogniseTable(texts: string[], rules: ImportRules = DEFAULT_RULES, content?: TableContent): TableHeader | null {
  const found = texts.map(t => rules.columnOf(t.trim()))
  const columns: Column[] = texts.map((text, i) => ({
    text: text.trim(),
    role: found[i]?.role ?? null,
    how: found[i] ? { by: 'header', phrase: found[i]!.phrase } : null,
    evidence: null,
  }))
  const roles = () => columns.map(c => c.role)
  const has = (r: ColumnRole) => columns.some(c => c.role === r)
  const count = (r: ColumnRole) => columns.filter(c => c.role === r).length
  if (count('spend') >= 2) return budgetTable(columns, columns.flatMap((c, i) => (c.role === 'spend' ? [i] : [])), 'budget table header')
  if (has('progress_action') || (has('progress') && has('further'))) return { kind: 'progress', roles: roles(), rule: `progress table header: ${describe(columns)}`, columns: describeEach(columns) }

  const evidence = content ? columnsOf(content.rows, texts.length).map(cells => columnEvidence(cells, content.year, rules)) : []
  evidence.forEach((e, i) => (columns[i].evidence = e))
  // Content names what the header leaves unnamed, never against a header that named the column,
  // and never a second column of a role the header already gave.
  let byContent = 0
  for (const c of columns) {
    const role = c.evidence?.role ? CONTENT_TO_ROLE[c.evidence.role] : undefined
    if (c.role !== null || !role || has(role)) continue
    c.role = role
    c.how = { by: 'content', evidence: c.evidence! }
    byContent++
  }

  const actionish = has('action') || has('objnum')
  const namedByHeader = columns.some(c => c.how?.by === 'header')
  const actionTable = (actionish && (has('when') || has('who'))) || (has('when') && has('who')) || (byContent >= 2 && (namedByHeader || has('number')))
  if (actionTable) {
    if (!has('action')) {
      // The first unnamed column carries the actions.
      const free = columns.findIndex(c => c.role === null && (!content || (c.evidence?.of ?? 0) > 0))
      if (free >= 0) {
        columns[free].role = 'action'
        columns[free].how = { by: 'position', why: 'the first column the header and cells leave unnamed' }
      }
    }
    if (content && !has('who')) {
      // One column of short text left beside the actions: the owners.
      const left = columns.filter(c => c.role === null && (c.evidence?.of ?? 0) > 0)
      if (left.length === 1 && left[0].evidence!.meanLength <= 60) {
        left[0].role = 'who'
        left[0].how = { by: 'position', why: 'the one column of short text left beside the actions' }
      }
    }
    if (has('action')) return { kind: 'actions', roles: roles(), byContent, rule: `action table${byContent ? '' : ' header'}: ${describe(columns)}`, columns: describeEach(columns) }
  }

  // What else a table may be is judged only where no table is open (content given), and only
  // from a row of short cells: a row of an action table that mentions "planned" is no header.
  if (!content || !headerLike(texts, content.year, rules)) return null
  const kind = rules.tableKindOf(texts)
  const amounts = columns.flatMap((c, i) => (c.evidence?.role === 'amount' ? [i] : []))
  if (kind?.kind === 'budget') {
    // Columns headed by budget words hold amounts (or nothing yet): "Planned review" over a column of text is no budget.
    const words = columns.flatMap((c, i) => (rules.tableKindOf([c.text])?.kind === 'budget' ? [i] : []))
    const spend = [...new Set([...words, ...amounts])].sort((a, b) => a - b)
    const wordsHoldAmounts = words.every(i => columns[i].evidence?.amountLike || (columns[i].evidence?.of ?? 0) === 0)
    if (wordsHoldAmounts && (amounts.length >= 1 || words.length >= 2) && spend.length < columns.length) return budgetTable(columns, spend, `budget table: header word "${kind.phrase}"`)
  }
  if (kind?.kind === 'selfAssessment') {
    const rag = columns.findIndex(c => c.role === 'rag' || c.evidence?.role === 'rag')
    const statement = columns.findIndex((c, i) => i !== rag && c.text)
    if (rag >= 0 && statement >= 0) {
      const r = columns.map((_, i) => (i === rag ? 'rag' : null)) as ColumnRole[]
      return { kind: 'selfAssessment', roles: r, statement, rule: `self-assessment table: header word "${kind.phrase}", ratings in "${columns[rag].text || `column ${rag + 1}`}"` }
    }
    return { kind: 'ignored', roles: columns.map(() => null), rule: `self-assessment table: header word "${kind.phrase}"`, reason: `a self-assessment table (header word "${kind.phrase}") with no column of RAG ratings` }
  }
  if (kind?.kind === 'contacts') return ignored(columns, `a contact list (header word "${kind.phrase}")`)
  if (kind?.kind === 'skip') return ignored(columns, `a table the profile says to skip (header word "${kind.phrase}")`)

  const others = columns.filter((c, i) => !amounts.includes(i) && (c.evidence?.of ?? 0) > 0)
  if (amounts.length >= 2 && others.length <= 1) return { ...budgetTable(columns, amounts, 'budget table by content'), byContent: amounts.length }
  if (columns.some(c => c.evidence?.role === 'email')) return { ...ignored(columns, 'a contact list (a column of e-mail addresses)'), byContent: 1 }
  return null
}

function budgetTable(columns: Column[], spend: number[], why: string): TableHeader {
  const roles = columns.map((_, i) => (spend.includes(i) ? 'spend' : null)) as ColumnRole[]
  const named = spend.map(i => {
    const c = columns[i]
    const name = c.text ? `"${c.text}"` : `column ${i + 1}`
    return c.evidence?.role === 'amount' ? `${name} (${contentWhy(c.evidence, 'amount')})` : name
  })
  return { kind: 'budget', roles, spend, rule: `${why}: amounts in ${named.join(', ')}` }
}

function ignored(columns: Column[], reason: string): TableHeader {
  return { kind: 'ignored', roles: columns.map(() => null), rule: `left out: ${reason}`, reason }
}

/**
 * A row inside an open table that may head a table of another kind (a budget summary or a
 * contact list right under an action table): only a row of short cells holding the profile's
 * table words is asked, so rows of the open table cost nothing more.
 */
export function mayHeadOtherTable(texts: string[], rules: ImportRules, year: FinancialYear | null): boolean {
  return rules.tableKindOf(texts) !== null && headerLike(texts, year, rules)
}

/**
 * A row of short words holding no value (no number, amount, date or rating, no numbered text):
 * a header, not data. A financial year may head a budget column ("Planned 2009/10").
 */
function headerLike(texts: string[], year: FinancialYear | null, rules: ImportRules): boolean {
  return texts.every(t => {
    if (t.trim().length > MAX_HEADER_CELL || splitActionNumber(t.trim()).number) return false
    const kind = cellKind(t, year, rules) ?? 'text'
    return kind === 'text' || (kind === 'when' && yearsIn(t).length > 0)
  })
}

/**
 * Recognises the table a row starts when no table is open: `below` are the rows under it.
 * The row is a header when its words say so; when the columns are named by what the rows hold
 * and this row holds values of those kinds too, it is the first row of a table with no header.
 */
export function recogniseTableAt(texts: string[], rules: ImportRules, below: string[][], year: FinancialYear | null): TableHeader | null {
  const asHeader = recogniseTable(texts, rules, { rows: below, year })
  if (asHeader && !asHeader.byContent) return asHeader
  if (!fitsContent(texts, below, year, rules)) return asHeader
  const headerless = recogniseTable(texts.map(() => ''), rules, { rows: [texts, ...below], year })
  if (!headerless || headerless.kind === 'ignored') return asHeader
  return { ...headerless, headerless: true, rule: headerless.rule.replace(/^(\w+ table)( header)?/, '$1 with no header row') }
}

/** True when the row's cells hold what the columns (judged with the rows below) hold. */
function fitsContent(texts: string[], below: string[][], year: FinancialYear | null, rules: ImportRules): boolean {
  const all = columnsOf([texts, ...below], texts.length).map(cells => columnEvidence(cells, year, rules))
  const judged = all.filter(e => e.role && e.kinds[0])
  const fits = judged.filter(e => fitsRole(e.kinds[0]!, e.role!)).length
  return judged.length > 0 && fits * 2 >= judged.length
}

function fitsRole(kind: CellKind, role: ContentRole): boolean {
  if (role === 'amount') return kind === 'money' || kind === 'integer'
  if (role === 'number') return kind === 'number' || kind === 'integer'
  return kind === role
}
