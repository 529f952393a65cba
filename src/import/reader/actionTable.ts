// Table rows once a table's header is known: action rows (numbered, wrapped over several rows,
// update rows, cross-references, cells packing several actions) and budget rows.
import { alignList, isPackedCell, readPackedCell, splitActionNumber, type ListKind } from '../actions.js'
import { budgetLine, classifySpend, type SpendColumn } from '../budget.js'
import { cellText, joinWrapped, type RawCell } from '../normaliseText.js'
import { ACTION_NUMBER_CELL, ragWord } from '../columnContent.js'
import { rowTexts, type ColumnRole, type DocLine, type TableHeader } from '../tables.js'
import { short, startsLower, startsWithPunctuation, type ActionDraft, type ObjectiveDraft, type TableState, type Target } from './drafts.js'
import type { PlanBuilder } from './planBuilder.js'
import { perRules, wordsPattern } from '../profile.js'

/** Rows of an action table that are not actions, by the profile's rows words. */
const rowRegexes = perRules(rules => {
  const rows = rules.profile.rows
  return {
    /** "Update: …": the progress note of the action above. */
    update: new RegExp(`^(?:${wordsPattern(rows.update)})\\s*[:\\-–]\\s*(.*)$`, 'iu'),
    /** "See grid 2, objective 3". */
    crossReference: new RegExp(`^(?:${wordsPattern(rows.crossReference)})\\b.{0,120}\\b(?:${wordsPattern(rows.crossReferenceTo)})\\b`, 'iu'),
  }
})

/** A row that came whole from its source (an HTML <tr>): its cells cannot have wrapped onto the next row. */
function isWholeRow(l: DocLine): boolean {
  return l.format === 'html' || l.format === 'cells'
}

export function startTable(b: PlanBuilder, header: TableHeader, l: DocLine, inferred = false): void {
  const { kind, roles } = header
  const table: TableState = { kind, header: inferred || header.headerless ? null : l.text, roles, line: l.line, numbered: null, last: null, spend: [], labelIndex: -1, summary: false, statementIndex: header.statement ?? -1, rows: 0, rule: header.rule }
  if (kind === 'ignored') {
    // A table that holds no actions: left out whole, with one warning, wherever it stands.
    b.table = table
    b.explain(l.line, 'left out', header.rule)
    b.warn(l.line, `table left out, its rows not recorded: ${header.reason ?? 'not an action table'}`)
    return
  }
  if (kind === 'budget') {
    const texts = header.headerless ? roles.map(() => '') : rowTexts(l)
    table.labelIndex = roles.findIndex(r => r !== 'spend')
    table.summary = isSummary(b, texts[table.labelIndex] ?? '')
    // Budget rows before any grid are the plan's.
    if (!b.grid) table.summary = true
    roles.forEach((role, index) => {
      if (role !== 'spend') return
      const { column, guessed } = classifySpend(texts[index], b.planYear, table.spend.length, b.rules)
      if (guessed) b.warn(l.line, `budget column "${texts[index] || `column ${index + 1}`}" names no year; taken as ${column}`)
      table.spend.push({ index, column })
    })
    if (b.grid) b.section = 'other'
    b.table = table
    b.explain(l.line, 'table', `${header.rule}${table.summary ? '; its rows name grids: a budget summary, each row kept as its grid\'s budget, or the plan\'s when it names none' : ''}`)
    return
  }
  if (!b.grid && !b.inferFirstGrid(l.line)) {
    b.table = null
    return
  }
  b.explain(l.line, 'table', header.rule)
  for (const column of header.columns ?? []) b.explain(l.line, 'column', column)
  if (kind === 'actions') {
    if (!inferred) b.lastActionLayout = roles
    b.section = 'actions'
  } else if (kind === 'progress') {
    b.section = 'progress'
    b.lastProgress = null
  }
  b.table = table
}

/** A budget table whose label column is headed by a grid word ("Section", "Grid"): a summary of the plan's grids. */
function isSummary(b: PlanBuilder, labelHeader: string): boolean {
  return labelHeader !== '' && b.isGridWord(labelHeader)
}

export function budgetRow(b: PlanBuilder, l: DocLine, texts: string[]): void {
  const table = b.table!
  const values: Partial<Record<SpendColumn, string>> = {}
  let any = false
  for (const { index, column } of table.spend) {
    const v = texts[index] ?? ''
    if (v) any = true
    values[column] = v
  }
  if (!any) {
    b.warn(l.line, `budget row with no amounts not recorded: "${short(l.text)}"`)
    return
  }
  const written = table.labelIndex >= 0 ? (texts[table.labelIndex] ?? '') : ''
  // A budget table whose first row names a grid ("Section A") is a summary of the grids.
  if (table.rows++ === 0 && !table.summary && written && b.namesGrid(written)) {
    table.summary = true
    b.explain(l.line, 'table', `the budget table at line ${table.line} is a budget summary: its first row names a grid ("${short(written, 40)}")`)
  }
  if (table.summary) {
    // A row naming a grid (or any row of a summary): matched to its grid once every grid is read.
    b.summaryRows.push({ label: written || 'Total', line: budgetLine(written || 'Total', values), at: l.line })
    return
  }
  const grid = b.currentGrid
  let label = written
  if (!label) {
    label = 'Total'
    if (grid.budget.some(x => x.label === 'Total')) b.warn(l.line, 'a second unlabelled budget row, also recorded as "Total"')
  }
  grid.budget.push(budgetLine(label, values))
  grid.budgetLine ??= table.line
  b.explain(l.line, 'budget', `row of the budget table at line ${table.line}: budget line "${label}" of grid ${grid.number}`)
}

/** A row of a self-assessment table: its statement and its rating. */
export function selfAssessmentRow(b: PlanBuilder, l: DocLine, texts: string[]): void {
  const table = b.table!
  const statement = texts[table.statementIndex] ?? ''
  const rag = ragWord(texts[table.roles.indexOf('rag')] ?? '', b.rules)
  if (!b.grid || !statement || !rag) {
    b.warn(l.line, `self-assessment row ${b.grid ? 'without a statement and a RAG rating' : 'before any grid'} not recorded: "${short(l.text)}"`)
    return
  }
  b.currentGrid.rated.push({ statement, rag, line: l.line })
  b.explain(l.line, 'self-assessment', `row of the self-assessment table at line ${table.line}: statement rated ${rag}`)
}

function cell(b: PlanBuilder, l: DocLine, role: ColumnRole): RawCell {
  const i = b.table!.roles.indexOf(role)
  return i >= 0 && i < l.cells.length ? l.cells[i] : ''
}

function cellTextOf(b: PlanBuilder, l: DocLine, role: ColumnRole): string {
  const i = b.table!.roles.indexOf(role)
  return i >= 0 && i < l.texts.length ? l.texts[i] : ''
}

export function actionRow(b: PlanBuilder, l: DocLine): void {
  const table = b.table!
  const objnum = cellTextOf(b, l, 'objnum')
  if (objnum) {
    const m = /^(\d{1,3}(?:\.\d{1,3})?)\.?$/.exec(objnum)
    if (m) {
      packedRow(b, l, m[1])
      return
    }
    b.warn(l.line, `objective number "${objnum}" is not a number; the row is read as an ordinary action row`)
  }
  if (isPackedCell(cell(b, l, 'action'))) {
    packedRow(b, l, null)
    return
  }
  const a = cellTextOf(b, l, 'action')
  const when = cellTextOf(b, l, 'when')
  const who = cellTextOf(b, l, 'who')
  const cost = cellTextOf(b, l, 'cost')
  const rag = cellTextOf(b, l, 'rag')
  const numbered = ACTION_NUMBER_CELL.exec(cellTextOf(b, l, 'number'))
  // A number column ("Ref": "A1.1") numbers the action; otherwise a number may lead its text.
  const lead = numbered ? { number: numbered[1], text: a } : splitActionNumber(a)
  const last = table.last

  const update = lead.number ? null : rowRegexes(b.rules).update.exec(a)
  if (update && last) {
    const action = last.action
    const note = update[1].trim()
    if (action.progress) action.progress.note = joinWrapped(action.progress.note, note)
    else action.progress = { note, further: '', line: l.line }
    table.last = { kind: 'progress', action }
    appendTo({ kind: 'action', action }, '', when, who, cost, rag)
    return
  }
  if (lead.number) {
    newAction(b, l, lead.number, lead.text, when, who, cost, rag)
    return
  }
  if (!a) {
    if (last) appendTo(last, '', when, who, cost, rag)
    else b.warn(l.line, `row with no action text and no action above it not recorded: "${short(l.text)}"`)
    return
  }
  const wholeRow = isWholeRow(l)
  if (!wholeRow && (startsLower(a) || startsWithPunctuation(a))) {
    if (last) {
      appendTo(last, a, when, who, cost, rag)
      return
    }
    b.warn(l.line, `first row of the table starts in lower case ("${short(a, 40)}"); recorded as an action`)
    newAction(b, l, null, a, when, who, cost, rag)
    return
  }
  if (rowRegexes(b.rules).crossReference.test(a) && !when && !who && a.length <= 160) {
    b.warn(l.line, `cross-reference row "${short(a)}"${cost ? ` (cost "${cost}")` : ''} is not an action; not recorded`)
    return
  }
  if (table.numbered && last && !wholeRow) {
    appendTo(last, a, when, who, cost, rag)
    b.warn(l.line, `unnumbered row "${short(a, 40)}" in a numbered table taken as the continuation of action ${last.action.number ?? 'above'}`)
    return
  }
  if (!when && !who && !cost && !rag) {
    b.warn(l.line, `action "${short(a, 40)}" has no by when, by whom or cost; recorded as an action (it may be a wrapped line)`)
  }
  newAction(b, l, null, a, when, who, cost, rag)
}

function newAction(b: PlanBuilder, l: DocLine, number: string | null, text: string, due: string, who: string, cost: string, rag: string): ActionDraft {
  const table = b.table!
  const objective = b.ensureObjective(l.line)
  const action: ActionDraft = { number, text, due, who, cost, rag, line: l.line, progress: null }
  b.addActions(objective, [action])
  b.explain(l.line, 'action', `row of the action table at line ${table.line}${number === null ? ', unnumbered' : table.roles.includes('number') && ACTION_NUMBER_CELL.test(cellTextOf(b, l, 'number')) ? `, numbered "${number}" by the number column` : `, numbered "${number}" at the start of its text`}`)
  if (table.numbered === null) table.numbered = number !== null
  table.last = { kind: 'action', action }
  return action
}

/** Adds a wrapped row's cells to the action (or its progress note) above. */
export function appendTo(target: Target, text: string, due: string, who: string, cost: string, rag: string): void {
  const action = target.action
  if (text) {
    if (target.kind === 'progress' && action.progress) action.progress.note = joinWrapped(action.progress.note, text)
    else action.text = joinWrapped(action.text, text)
  }
  if (due) action.due = joinWrapped(action.due, due)
  if (who) action.who = joinWrapped(action.who, who)
  if (cost) action.cost = joinWrapped(action.cost, cost)
  if (rag) action.rag = joinWrapped(action.rag, rag)
}

/** A row packing an objective's actions in one cell, with aligned lists in the other cells. */
function packedRow(b: PlanBuilder, l: DocLine, objectiveNumber: string | null): void {
  const grid = b.currentGrid
  const table = b.table!
  const packed = readPackedCell(cell(b, l, 'action'), objectiveNumber)
  let objective: ObjectiveDraft
  if (objectiveNumber !== null) {
    const known = grid.objectives.filter(o => o.number === objectiveNumber)
    if (known.length) objective = known[known.length - 1]
    else {
      objective = b.startObjective(objectiveNumber, packed.head, l.line, false, true, `objective number "${objectiveNumber}" in the objective column of the action table at line ${table.line}`)
      if (!packed.head) b.warn(l.line, `objective ${objectiveNumber} of grid ${grid.number} is named only by its number`)
    }
    if (!objective.text && packed.head) objective.text = packed.head
    b.objective = objective
  } else {
    objective = b.ensureObjective(l.line)
    if (packed.head) {
      if (!objective.text) objective.text = packed.head
      else if (objective.actions.length === 0 && objective.text !== packed.head) b.warn(l.line, `text "${short(packed.head, 50)}" before the packed actions is not recorded`)
    }
  }
  const label = `objective ${objective.number ?? '(unnumbered)'} of grid ${grid.number}`
  const drafts: ActionDraft[] = packed.actions.map(a => ({ number: a.number, text: a.text, due: '', who: '', cost: '', rag: '', line: l.line, progress: null }))
  const lists: Record<ListKind, RawCell> = { 'by when': cell(b, l, 'when'), 'by whom': cell(b, l, 'who'), cost: cell(b, l, 'cost') }
  if (drafts.length === 0 && packed.head && Object.values(lists).some(raw => cellText(raw))) {
    drafts.push({ number: null, text: packed.head, due: '', who: '', cost: '', rag: '', line: l.line, progress: null })
    b.warn(l.line, `${label}: no numbered actions in the row; its text recorded as the objective's one action`)
  }
  for (const kind of Object.keys(lists) as ListKind[]) {
    const aligned = alignList(lists[kind], drafts.length, kind)
    if (aligned.note) b.warn(l.line, `${label}: ${aligned.note}`)
    aligned.values.forEach((v, i) => {
      if (kind === 'by when') drafts[i].due = v
      else if (kind === 'by whom') drafts[i].who = v
      else drafts[i].cost = v
    })
  }
  const rag = cellTextOf(b, l, 'rag')
  if (rag) drafts.forEach(d => (d.rag = rag))
  const seen = new Set<string>()
  for (const d of drafts) {
    if (d.number && objective.number && d.number.includes('.') && d.number.split('.')[0] !== objective.number) {
      b.warn(l.line, `${label}: action numbered ${d.number} (kept as written; a typo for ${objective.number}.x?)`)
    }
    if (d.number && seen.has(d.number)) b.warn(l.line, `${label}: action number ${d.number} appears twice; both kept`)
    if (d.number) seen.add(d.number)
  }
  b.addActions(objective, drafts)
  b.explain(l.line, 'action', `row of the action table at line ${table.line}: a cell packing ${drafts.length} action${drafts.length === 1 ? '' : 's'}${drafts.length ? ` (${drafts.map(d => d.number ?? 'unnumbered').join(', ')})` : ''} of ${label}`)
  table.numbered = true
  if (drafts.length) table.last = { kind: 'action', action: drafts[drafts.length - 1] }
}
