// Reads the text of a plan document into a ParsedPlan: partnership, year, grids with their
// narratives, self-assessment ratings and budget, objectives, actions (words as written) and
// progress rows. Pure: no I/O. One pass over classified lines with a small state machine; the
// structure is recognised from headings, objective markers and table headers, not positions.
import type { BudgetLine, GridNarrativeSection } from '../domain/events.js'
import { splitOwners } from '../domain/values/owners.js'
import type { Rag } from '../domain/values/types.js'
import { alignList, isPackedCell, readPackedCell, splitActionNumber, type ListKind } from './actions.js'
import { budgetLine, classifySpend, type SpendColumn } from './budget.js'
import { looksLikePartnership, looksLikePlanTitle, matchGridHeading, matchObjectiveMarker, matchSectionHeading, type GridHeading } from './gridStructure.js'
import { readPlanHeader, type PlanHeader } from './header.js'
import { refuseInput } from './limits.js'
import { cellText, joinWrapped } from './normaliseText.js'
import { readSelfAssessment, type SaLine } from './selfAssessment.js'
import { isSeparatorRow, recogniseHeader, rowTexts, toDocLines, type ColumnRole, type DocLine, type TableKind } from './tables.js'
import type { ImportWarning, ParsedAction, ParsedGrid, ParsedObjective, ParsedPlan, ParseResult } from './types.js'

export type { ImportWarning, ParsedAction, ParsedGrid, ParsedObjective, ParsedPlan, ParseResult } from './types.js'

// Limits the domain enforces on commands (planDecider): keep imported values within them.
const MAX_TEXT = 20_000
const MAX_SHORT = 500
const MAX_NUMBER = 20
const MAX_WARNINGS = 2_000

type Section =
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

interface ProgressDraft {
  note: string
  further: string
  line: number
}

interface ActionDraft {
  number: string | null
  text: string
  due: string
  who: string
  cost: string
  rag: string
  line: number
  progress: ProgressDraft | null
}

interface ObjectiveDraft {
  number: string | null
  text: string
  outcomes: string[]
  line: number
  actions: ActionDraft[]
  fromList: boolean
}

interface GridDraft {
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
  pendingOutcomes: { texts: string[]; line: number } | null
  awaitingTitle: boolean
}

type Target = { kind: 'action'; action: ActionDraft } | { kind: 'progress'; action: ActionDraft }

interface TableState {
  kind: TableKind
  roles: ColumnRole[]
  line: number
  numbered: boolean | null
  last: Target | null
  spend: Array<{ index: number; column: SpendColumn }>
  labelIndex: number
}

const UPDATE_ROW = /^(?:update|progress(?:\s+update)?|comments?)\s*[:\-–]\s*(.*)$/i
const CROSS_REFERENCE = /^see\b.{0,120}\b(?:grid|section|objective|actions?|above|below|plan)\b/i

function short(text: string, max = 70): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function ragOf(word: string): Rag | null {
  const w = word.trim().toLowerCase().replace(/[^a-z]/g, '')
  if (w === 'r' || w === 'red') return 'red'
  if (w === 'a' || w === 'amber') return 'amber'
  if (w === 'g' || w === 'green') return 'green'
  return null
}

function startsLower(text: string): boolean {
  return /^\p{Ll}/u.test(text)
}

function startsWithPunctuation(text: string): boolean {
  return /^[.,;:)\]\-–—&+/]/.test(text)
}

class PlanReader {
  readonly grids: GridDraft[] = []
  private grid: GridDraft | null = null
  private section: Section = 'guidance'
  private objective: ObjectiveDraft | null = null
  private table: TableState | null = null
  private lastActionLayout: ColumnRole[] | null = null
  private pendingSpend: { label: string; line: number } | null = null
  private lastProgress: ProgressDraft | null = null
  private blankBefore = false
  private gaveUpBeforeFirstGrid = false
  /** Page headers repeated through the document (not the header lines themselves): reported once each. */
  private readonly pageHeaders = new Map<string, { line: number; count: number }>()

  constructor(
    private readonly header: PlanHeader,
    private readonly planYear: string,
    private readonly firstHeading: GridHeading | null,
    private readonly headingNumbers: Set<number>,
    private readonly warnings: ImportWarning[],
  ) {}

  private warn(line: number, message: string): void {
    this.warnings.push({ line, message })
  }

  read(lines: DocLine[]): void {
    for (const l of lines) {
      if (l.kind === 'blank') {
        this.blankBefore = true
        continue
      }
      if (l.kind === 'row') this.row(l)
      else this.text(l.text, l.line)
      this.blankBefore = false
    }
    this.finishGrid()
    for (const [text, { line, count }] of this.pageHeaders) {
      this.warn(line, `"${short(text)}" taken as a repeated page header and not recorded (${count} time${count === 1 ? '' : 's'} from this line)`)
    }
  }

  // ---- running text ---------------------------------------------------------------------

  private isPageHeader(text: string): boolean {
    if (text === this.header.title || text === this.header.partnership) return true
    if (looksLikePartnership(text)) return true
    return text.length <= 80 && looksLikePlanTitle(text) && !/[.;]$/.test(text) && !/\b(?:grid|section)\s+\w+\s*:/i.test(text)
  }

  private isStructural(text: string): boolean {
    return !!(matchGridHeading(text) || matchObjectiveMarker(text) || matchSectionHeading(text) || this.isPageHeader(text))
  }

  private text(t: string, line: number): void {
    if (this.table) {
      const last = this.table.last
      if (this.table.kind === 'actions' && last && (startsLower(t) || startsWithPunctuation(t)) && !this.isStructural(t)) {
        // A wrapped line of the last cell that lost its table form.
        this.appendTo(last, t, '', '', '', '')
        this.warn(line, `text line "${short(t)}" taken as the continuation of the action above`)
        return
      }
      this.table = null
    }
    const heading = matchGridHeading(t)
    if (heading) {
      this.startGrid(heading, line)
      return
    }
    const marker = matchObjectiveMarker(t)
    const part = marker ? null : matchSectionHeading(t)
    if (!marker && !part && this.isPageHeader(t)) {
      if (this.grid && t !== this.header.title && t !== this.header.partnership) {
        const seen = this.pageHeaders.get(t)
        if (seen) seen.count++
        else this.pageHeaders.set(t, { line, count: 1 })
      }
      if (this.grid || this.header.used.has(line)) return
    }
    if (!this.grid) {
      this.beforeFirstGrid(t, line)
      return
    }
    const grid = this.grid
    if (grid.awaitingTitle) {
      grid.awaitingTitle = false
      if (!marker && !part && t.length <= MAX_SHORT) {
        grid.title = t
        return
      }
    }
    if (marker) {
      this.startObjective(marker.number, marker.text, line, false)
      this.section = 'objective'
      return
    }
    if (part) {
      this.sectionHeading(part, line)
      return
    }
    this.body(t, line)
  }

  private sectionHeading(h: NonNullable<ReturnType<typeof matchSectionHeading>>, line: number): void {
    this.pendingSpend = null
    switch (h.kind) {
      case 'narrative':
        this.section = h.section
        if (h.rest) this.body(h.rest, line)
        return
      case 'objectives_list':
        this.section = 'objectives_list'
        return
      case 'outcomes':
        this.section = 'outcomes'
        if (h.rest) this.addOutcome(h.rest, line, true)
        return
      case 'actions':
        this.section = 'actions'
        return
      case 'progress':
        this.section = 'progress'
        this.lastProgress = null
        return
      case 'note':
        this.addNarrative('guidance', h.rest, line)
        return
      case 'spend':
        this.section = 'budget_box'
        this.pendingSpend = { label: h.label, line }
        if (h.rest) this.spendValue(h.rest, line)
        return
    }
  }

  private body(t: string, line: number): void {
    const grid = this.grid!
    switch (this.section) {
      case 'guidance':
      case 'gap_analysis':
      case 'key_priorities':
      case 'other':
        this.addNarrative(this.section, t, line)
        return
      case 'self_assessment':
        grid.sa.push({ line, text: t, paragraphStart: this.blankBefore })
        return
      case 'objectives_list': {
        const m = /^(\d{1,3})[.)]\s+(.+)$/.exec(t)
        if (m) {
          this.startObjective(m[1], m[2], line, true)
          this.section = 'objectives_list'
          return
        }
        const last = grid.objectives[grid.objectives.length - 1]
        if (last && last.fromList && !this.blankBefore) {
          last.text = joinWrapped(last.text, t)
          return
        }
        this.section = 'other'
        this.addNarrative('other', t, line)
        return
      }
      case 'objective': {
        const objective = this.objective
        if (objective && objective.actions.length === 0) {
          objective.text = joinWrapped(objective.text, t)
          return
        }
        this.addNarrative('other', t, line)
        this.warn(line, `text after the actions of an objective recorded as grid narrative ("other"): "${short(t)}"`)
        return
      }
      case 'outcomes':
        this.addOutcome(t, line, false)
        return
      case 'actions':
        this.addNarrative('other', t, line)
        this.warn(line, `text among the actions recorded as grid narrative ("other"): "${short(t)}"`)
        return
      case 'progress':
        this.progressComment(t, line)
        return
      case 'budget_box':
        if (this.pendingSpend) this.spendValue(t, line)
        else {
          this.section = 'other'
          this.addNarrative('other', t, line)
        }
        return
    }
  }

  private beforeFirstGrid(t: string, line: number): void {
    const heading = matchSectionHeading(t)
    const gridContent = matchObjectiveMarker(t) || (heading && (heading.kind === 'actions' || heading.kind === 'outcomes' || heading.kind === 'objectives_list'))
    if (gridContent && this.inferFirstGrid(line)) {
      this.text(t, line)
      return
    }
    if (this.header.used.has(line)) return
    this.warn(line, `text before the first grid heading not recorded: "${short(t)}"`)
  }

  /**
   * A document that starts part-way through its first grid (the heading lost in extraction):
   * when grid content comes before the first heading and that heading is number N > 1, the
   * content is grid N − 1.
   */
  private inferFirstGrid(line: number): boolean {
    if (this.gaveUpBeforeFirstGrid) return false
    const first = this.firstHeading
    if (!first || first.number <= 1 || this.headingNumbers.has(first.number - 1)) {
      this.gaveUpBeforeFirstGrid = true
      this.warn(line, 'grid content before the first grid heading, and no grid number can be inferred for it: not recorded')
      return false
    }
    const number = first.number - 1
    this.startGrid({ number, title: `${first.noun} ${number} (heading missing from the document)`, noun: first.noun }, line)
    this.warn(line, `the document starts part-way through a grid: content before the "${first.noun} ${first.number}" heading recorded as grid ${number}, whose heading is missing`)
    return true
  }

  // ---- grids, objectives, narratives -------------------------------------------------------

  private startGrid(h: GridHeading, line: number): void {
    this.finishGrid()
    this.objective = null
    this.table = null
    this.pendingSpend = null
    this.lastProgress = null
    this.section = 'guidance'
    const existing = this.grids.find(g => g.number === h.number)
    if (existing) {
      this.warn(line, `grid ${h.number} heading appears again (first at line ${existing.line}); what follows is added to that grid`)
      this.grid = existing
      this.section = 'other'
      return
    }
    const grid: GridDraft = {
      number: h.number,
      title: h.title,
      noun: h.noun,
      line,
      narratives: new Map(),
      sa: [],
      budget: [],
      budgetLine: null,
      box: {},
      boxLine: null,
      objectives: [],
      pendingOutcomes: null,
      awaitingTitle: !h.title,
    }
    this.grids.push(grid)
    this.grid = grid
  }

  private finishGrid(): void {
    const grid = this.grid
    if (!grid) return
    this.grid = null
    if (!grid.title) {
      grid.title = `${grid.noun} ${grid.number}`
      this.warn(grid.line, `grid ${grid.number} has no title; recorded as "${grid.title}"`)
    }
    if (grid.pendingOutcomes && grid.pendingOutcomes.texts.length) {
      this.addNarrativeTo(grid, 'other', `Expected outcomes: ${grid.pendingOutcomes.texts.join('; ')}`, grid.pendingOutcomes.line)
      this.warn(grid.pendingOutcomes.line, `expected outcomes with no objective to belong to: recorded as grid narrative ("other")`)
      grid.pendingOutcomes = null
    }
    if (Object.keys(grid.box).length) {
      grid.budget.push(budgetLine('Total', grid.box))
      grid.budgetLine ??= grid.boxLine
      grid.box = {}
    }
  }

  private startObjective(number: string | null, text: string, line: number, fromList: boolean, keepTable = false): ObjectiveDraft {
    const grid = this.grid!
    if (!keepTable) this.table = null
    if (number && grid.objectives.some(o => o.number === number)) {
      this.warn(line, `objective number ${number} appears twice in grid ${grid.number}; both kept, numbered as written`)
    }
    const objective: ObjectiveDraft = { number, text, outcomes: [], line, actions: [], fromList }
    grid.objectives.push(objective)
    this.objective = objective
    return objective
  }

  /** The objective actions go to; when the grid names none, one named after the grid. */
  private ensureObjective(line: number): ObjectiveDraft {
    if (this.objective) return this.objective
    const grid = this.grid!
    const objective = this.startObjective(null, grid.title, line, false, true)
    if (grid.pendingOutcomes) {
      objective.outcomes.push(...grid.pendingOutcomes.texts)
      grid.pendingOutcomes = null
    }
    this.warn(line, `actions with no objective heading before them: recorded under an unnumbered objective named after grid ${grid.number} ("${short(grid.title, 50)}")`)
    return objective
  }

  private addNarrative(section: GridNarrativeSection, text: string, line: number): void {
    this.addNarrativeTo(this.grid!, section, text, line)
  }

  private addNarrativeTo(grid: GridDraft, section: GridNarrativeSection, text: string, line: number): void {
    const n = grid.narratives.get(section)
    if (n) n.texts.push(text)
    else grid.narratives.set(section, { texts: [text], line })
  }

  private addOutcome(text: string, line: number, fresh: boolean): void {
    const grid = this.grid!
    const objective = this.objective
    const list = objective ? objective.outcomes : (grid.pendingOutcomes ??= { texts: [], line }).texts
    if (!fresh && !this.blankBefore && list.length && startsLower(text)) list[list.length - 1] = joinWrapped(list[list.length - 1], text)
    else list.push(text)
  }

  private spendValue(value: string, line: number): void {
    const grid = this.grid!
    const pending = this.pendingSpend!
    this.pendingSpend = null
    const { column, guessed } = classifySpend(pending.label, this.planYear, Object.keys(grid.box).length)
    if (guessed) this.warn(pending.line, `budget heading "${pending.label}" names no year; taken as ${column}`)
    if (grid.box[column] !== undefined) this.warn(line, `a second amount for ${column} in grid ${grid.number} ("${value}") replaces "${grid.box[column]}"`)
    grid.box[column] = value
    grid.boxLine ??= pending.line
  }

  // ---- table rows ---------------------------------------------------------------------------

  private row(l: DocLine): void {
    if (isSeparatorRow(l)) return
    const texts = rowTexts(l)
    const filled = texts.filter(Boolean)
    if (filled.length === 0) return
    if (filled.length === 1 && (!this.table || this.isStructural(filled[0]))) {
      // A one-cell row ("Quarterly Progress Report to DAT: Quarter\t\t") is running text.
      this.text(filled[0], l.line)
      return
    }
    const header = recogniseHeader(l)
    if (header) {
      this.startTable(header.kind, header.roles, l)
      return
    }
    if (!this.table) {
      if (!this.grid && this.inferFirstGrid(l.line)) {
        this.row(l)
        return
      }
      if (this.grid && (this.section === 'objective' || this.section === 'actions' || this.section === 'outcomes') && filled.length >= 2) {
        const layout = this.lastActionLayout && this.lastActionLayout.length === l.cells.length ? this.lastActionLayout : null
        const roles: ColumnRole[] = layout ?? (['action', 'when', 'who', 'cost', 'rag'] as ColumnRole[]).slice(0, Math.max(2, Math.min(5, l.cells.length)))
        this.startTable('actions', roles, l, true)
        this.warn(l.line, layout ? 'action rows without a header row: columns taken from the previous action table' : `action rows without a header row: columns taken as ${roles.join(' | ')}`)
      } else {
        this.warn(l.line, `table row outside any recognised table not recorded: "${short(l.text)}"`)
        return
      }
    }
    const table = this.table!
    if (table.kind !== 'progress') {
      const dropped = texts.filter((text, i) => text && (table.roles[i] === undefined || table.roles[i] === null) && !(table.kind === 'budget' && i === table.labelIndex))
      if (dropped.length) this.warn(l.line, `cell${dropped.length > 1 ? 's' : ''} under no recognised column not recorded: ${dropped.map(d => `"${short(d, 40)}"`).join(', ')}`)
    }
    if (table.kind === 'budget') this.budgetRow(l, texts)
    else if (table.kind === 'progress') this.progressRow(l, texts)
    else this.actionRow(l)
  }

  private startTable(kind: TableKind, roles: ColumnRole[], l: DocLine, inferred = false): void {
    if (!this.grid && !this.inferFirstGrid(l.line)) {
      this.table = null
      return
    }
    const table: TableState = { kind, roles, line: l.line, numbered: null, last: null, spend: [], labelIndex: -1 }
    if (kind === 'budget') {
      const texts = rowTexts(l)
      roles.forEach((role, index) => {
        if (role !== 'spend') return
        const { column, guessed } = classifySpend(texts[index], this.planYear, table.spend.length)
        if (guessed) this.warn(l.line, `budget column "${texts[index]}" names no year; taken as ${column}`)
        table.spend.push({ index, column })
      })
      table.labelIndex = roles.findIndex(r => r !== 'spend')
      this.section = 'other'
    } else if (kind === 'actions') {
      if (!inferred) this.lastActionLayout = roles
      this.section = 'actions'
    } else {
      this.section = 'progress'
      this.lastProgress = null
    }
    this.table = table
  }

  private budgetRow(l: DocLine, texts: string[]): void {
    const grid = this.grid!
    const table = this.table!
    const values: Partial<Record<SpendColumn, string>> = {}
    let any = false
    for (const { index, column } of table.spend) {
      const v = texts[index] ?? ''
      if (v) any = true
      values[column] = v
    }
    if (!any) {
      this.warn(l.line, `budget row with no amounts not recorded: "${short(l.text)}"`)
      return
    }
    let label = table.labelIndex >= 0 ? (texts[table.labelIndex] ?? '') : ''
    if (!label) {
      label = 'Total'
      if (grid.budget.some(b => b.label === 'Total')) this.warn(l.line, 'a second unlabelled budget row, also recorded as "Total"')
    }
    grid.budget.push(budgetLine(label, values))
    grid.budgetLine ??= table.line
  }

  private cell(l: DocLine, role: ColumnRole): string {
    const i = this.table!.roles.indexOf(role)
    return i >= 0 && i < l.cells.length ? l.cells[i] : ''
  }

  private cellText(l: DocLine, role: ColumnRole): string {
    const i = this.table!.roles.indexOf(role)
    return i >= 0 && i < l.texts.length ? l.texts[i] : ''
  }

  private actionRow(l: DocLine): void {
    const table = this.table!
    const objnum = this.cellText(l, 'objnum')
    if (objnum) {
      const m = /^(\d{1,3}(?:\.\d{1,3})?)\.?$/.exec(objnum)
      if (m) {
        this.packedRow(l, m[1])
        return
      }
      this.warn(l.line, `objective number "${objnum}" is not a number; the row is read as an ordinary action row`)
    }
    const actionRaw = this.cell(l, 'action')
    if (isPackedCell(actionRaw)) {
      this.packedRow(l, null)
      return
    }
    const a = this.cellText(l, 'action')
    const when = this.cellText(l, 'when')
    const who = this.cellText(l, 'who')
    const cost = this.cellText(l, 'cost')
    const rag = this.cellText(l, 'rag')
    const lead = splitActionNumber(a)
    const last = table.last

    const update = lead.number ? null : UPDATE_ROW.exec(a)
    if (update && last) {
      const action = last.action
      const note = update[1].trim()
      if (action.progress) action.progress.note = joinWrapped(action.progress.note, note)
      else action.progress = { note, further: '', line: l.line }
      table.last = { kind: 'progress', action }
      this.appendTo({ kind: 'action', action }, '', when, who, cost, rag)
      return
    }
    if (lead.number) {
      this.newAction(l, lead.number, lead.text, when, who, cost, rag)
      return
    }
    if (!a) {
      if (last) this.appendTo(last, '', when, who, cost, rag)
      else this.warn(l.line, `row with no action text and no action above it not recorded: "${short(l.text)}"`)
      return
    }
    // An HTML row is a whole row: its cells cannot have wrapped onto the next <tr>.
    const wholeRow = l.format === 'html'
    if (!wholeRow && (startsLower(a) || startsWithPunctuation(a))) {
      if (last) {
        this.appendTo(last, a, when, who, cost, rag)
        return
      }
      this.warn(l.line, `first row of the table starts in lower case ("${short(a, 40)}"); recorded as an action`)
      this.newAction(l, null, a, when, who, cost, rag)
      return
    }
    if (CROSS_REFERENCE.test(a) && !when && !who && a.length <= 160) {
      this.warn(l.line, `cross-reference row "${short(a)}"${cost ? ` (cost "${cost}")` : ''} is not an action; not recorded`)
      return
    }
    if (table.numbered && last && !wholeRow) {
      this.appendTo(last, a, when, who, cost, rag)
      this.warn(l.line, `unnumbered row "${short(a, 40)}" in a numbered table taken as the continuation of action ${last.action.number ?? 'above'}`)
      return
    }
    if (!when && !who && !cost && !rag) {
      this.warn(l.line, `action "${short(a, 40)}" has no by when, by whom or cost; recorded as an action (it may be a wrapped line)`)
    }
    this.newAction(l, null, a, when, who, cost, rag)
  }

  private newAction(l: DocLine, number: string | null, text: string, due: string, who: string, cost: string, rag: string): ActionDraft {
    const table = this.table!
    const objective = this.ensureObjective(l.line)
    const action: ActionDraft = { number, text, due, who, cost, rag, line: l.line, progress: null }
    objective.actions.push(action)
    if (table.numbered === null) table.numbered = number !== null
    table.last = { kind: 'action', action }
    return action
  }

  private appendTo(target: Target, text: string, due: string, who: string, cost: string, rag: string): void {
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
  private packedRow(l: DocLine, objectiveNumber: string | null): void {
    const grid = this.grid!
    const table = this.table!
    const packed = readPackedCell(this.cell(l, 'action'), objectiveNumber)
    let objective: ObjectiveDraft
    if (objectiveNumber !== null) {
      const known = grid.objectives.filter(o => o.number === objectiveNumber)
      if (known.length) objective = known[known.length - 1]
      else {
        objective = this.startObjective(objectiveNumber, packed.head, l.line, false, true)
        if (!packed.head) this.warn(l.line, `objective ${objectiveNumber} of grid ${grid.number} is named only by its number`)
      }
      if (!objective.text && packed.head) objective.text = packed.head
      this.objective = objective
    } else {
      objective = this.ensureObjective(l.line)
      if (packed.head) {
        if (!objective.text) objective.text = packed.head
        else if (objective.actions.length === 0 && objective.text !== packed.head) this.warn(l.line, `text "${short(packed.head, 50)}" before the packed actions is not recorded`)
      }
    }
    const label = `objective ${objective.number ?? '(unnumbered)'} of grid ${grid.number}`
    const drafts: ActionDraft[] = packed.actions.map(a => ({ number: a.number, text: a.text, due: '', who: '', cost: '', rag: '', line: l.line, progress: null }))
    const lists: Record<ListKind, string> = { 'by when': this.cell(l, 'when'), 'by whom': this.cell(l, 'who'), cost: this.cell(l, 'cost') }
    if (drafts.length === 0 && packed.head && Object.values(lists).some(raw => cellText(raw))) {
      drafts.push({ number: null, text: packed.head, due: '', who: '', cost: '', rag: '', line: l.line, progress: null })
      this.warn(l.line, `${label}: no numbered actions in the row; its text recorded as the objective's one action`)
    }
    for (const kind of Object.keys(lists) as ListKind[]) {
      const aligned = alignList(lists[kind], drafts.length, kind)
      if (aligned.note) this.warn(l.line, `${label}: ${aligned.note}`)
      aligned.values.forEach((v, i) => {
        if (kind === 'by when') drafts[i].due = v
        else if (kind === 'by whom') drafts[i].who = v
        else drafts[i].cost = v
      })
    }
    const rag = this.cellText(l, 'rag')
    if (rag) drafts.forEach(d => (d.rag = rag))
    const seen = new Set<string>()
    for (const d of drafts) {
      if (d.number && objective.number && d.number.includes('.') && d.number.split('.')[0] !== objective.number) {
        this.warn(l.line, `${label}: action numbered ${d.number} (kept as written; a typo for ${objective.number}.x?)`)
      }
      if (d.number && seen.has(d.number)) this.warn(l.line, `${label}: action number ${d.number} appears twice; both kept`)
      if (d.number) seen.add(d.number)
    }
    objective.actions.push(...drafts)
    table.numbered = true
    if (drafts.length) table.last = { kind: 'action', action: drafts[drafts.length - 1] }
  }

  // ---- progress rows ------------------------------------------------------------------------

  private findAction(point: string, line: number): ActionDraft | null {
    const grid = this.grid!
    const all = grid.objectives.flatMap(o => o.actions)
    const lead = splitActionNumber(point)
    const bare = /^(\d{1,3}(?:\.\d{1,3}){0,3})\.?$/.exec(point.trim())
    const number = lead.number ?? (bare ? bare[1] : null)
    if (number) {
      const inObjective = this.objective ? this.objective.actions.filter(a => a.number === number) : []
      const byNumber = inObjective.length === 1 ? inObjective : all.filter(a => a.number === number)
      if (byNumber.length === 1) return byNumber[0]
      if (byNumber.length > 1) {
        this.warn(line, `progress for action ${number}: ${byNumber.length} actions in grid ${grid.number} have that number; not recorded`)
        return null
      }
    }
    const words = (lead.number ? lead.text : point).toLowerCase().slice(0, 60)
    if (words.length >= 12) {
      const byText = all.filter(a => a.text.toLowerCase().startsWith(words) || words.startsWith(a.text.toLowerCase().slice(0, 60)))
      if (byText.length === 1) return byText[0]
    }
    return null
  }

  private attachProgress(action: ActionDraft, note: string, further: string, line: number): ProgressDraft {
    if (action.progress) {
      this.warn(line, `a second progress entry for action ${action.number ?? `"${short(action.text, 30)}"`}: added to the first`)
      action.progress.note = joinWrapped(action.progress.note, note)
      action.progress.further = joinWrapped(action.progress.further, further)
      return action.progress
    }
    action.progress = { note, further, line }
    return action.progress
  }

  private progressRow(l: DocLine, texts: string[]): void {
    const roles = this.table!.roles
    const at = (role: ColumnRole, fallback: number) => {
      const i = roles.indexOf(role)
      return texts[i >= 0 ? i : fallback] ?? ''
    }
    const point = at('progress_action', 0)
    const note = at('progress', 1)
    const further = at('further', 2)
    if (!point && this.lastProgress) {
      this.lastProgress.note = joinWrapped(this.lastProgress.note, note)
      this.lastProgress.further = joinWrapped(this.lastProgress.further, further)
      return
    }
    if (!note) {
      this.warn(l.line, `progress row "${short(l.text)}" has no progress to date; not recorded`)
      return
    }
    const action = this.findAction(point, l.line)
    if (!action) {
      this.warn(l.line, `progress row for "${short(point, 40)}" matches no single action; not recorded`)
      this.lastProgress = null
      return
    }
    this.lastProgress = this.attachProgress(action, note, further, l.line)
  }

  private progressComment(t: string, line: number): void {
    if (this.lastProgress && !this.blankBefore && startsLower(t)) {
      this.lastProgress.note = joinWrapped(this.lastProgress.note, t)
      return
    }
    const m = /^(?:action\s*)?(\d{1,3}(?:\.\d{1,3}){0,3})[.:)]?\s+(.+)$/i.exec(t)
    const action = m ? this.findAction(m[1], line) : null
    if (m && action) {
      this.lastProgress = this.attachProgress(action, m[2].trim(), '', line)
      return
    }
    this.lastProgress = null
    this.warn(line, `comment "${short(t)}" names no action of grid ${this.grid!.number}; not recorded`)
  }
}

// ---- assembling the result ----------------------------------------------------------------

function limit(text: string, max: number, what: string, line: number, warnings: ImportWarning[]): string {
  if (text.length <= max) return text
  warnings.push({ line, message: `${what} is longer than ${max} characters; cut to that length` })
  return `${text.slice(0, max - 1)}…`
}

function toAction(d: ActionDraft, warnings: ImportWarning[]): ParsedAction | null {
  const text = limit(d.text.trim(), MAX_TEXT, 'action text', d.line, warnings)
  if (!text) {
    warnings.push({ line: d.line, message: 'row with by when/by whom/cost but no action text not recorded' })
    return null
  }
  let number = d.number
  if (number && number.length > MAX_NUMBER) {
    warnings.push({ line: d.line, message: `action number "${number}" is too long to be a number; dropped` })
    number = null
  }
  let rag: Rag | null = null
  if (d.rag) {
    rag = ragOf(d.rag)
    if (!rag) warnings.push({ line: d.line, message: `RAG "${d.rag}" is not Red, Amber or Green; not recorded` })
  }
  const byWhom = d.who.trim()
  const owners = (byWhom ? splitOwners(byWhom) : [])
    .map((o: string) => limit(o.trim(), MAX_SHORT, 'owner', d.line, warnings))
    .filter((o: string) => o.length > 0)
  const action: ParsedAction = {
    number,
    text,
    due: limit(d.due.trim(), MAX_SHORT, 'by when', d.line, warnings),
    byWhom,
    owners,
    cost: limit(d.cost.trim(), MAX_SHORT, 'cost', d.line, warnings),
    rag,
    line: d.line,
  }
  if (d.progress) {
    action.progress = {
      note: limit(d.progress.note.trim(), MAX_TEXT, 'progress note', d.progress.line, warnings),
      furtherAction: d.progress.further.trim() ? limit(d.progress.further.trim(), MAX_TEXT, 'further action', d.progress.line, warnings) : null,
      line: d.progress.line,
    }
  }
  return action
}

function toGrid(g: GridDraft, warnings: ImportWarning[]): ParsedGrid {
  const sa = readSelfAssessment(g.sa, warnings)
  if (sa.narrative.length) {
    const first = sa.narrative[0].line
    const existing = g.narratives.get('self_assessment')
    const texts = sa.narrative.map(n => n.text)
    if (existing) existing.texts.push(...texts)
    else g.narratives.set('self_assessment', { texts, line: first })
  }
  const order: GridNarrativeSection[] = ['guidance', 'self_assessment', 'gap_analysis', 'key_priorities', 'other']
  const narratives = order
    .filter(section => g.narratives.has(section))
    .map(section => {
      const n = g.narratives.get(section)!
      return { section, text: limit(n.texts.join('\n'), MAX_TEXT, `${section} narrative`, n.line, warnings), line: n.line }
    })
  const objectives: ParsedObjective[] = g.objectives.map(o => {
    let text = o.text.trim()
    if (!text) {
      text = o.number ? `Objective ${o.number}` : g.title
      warnings.push({ line: o.line, message: `objective ${o.number ?? ''} of grid ${g.number} has no text; recorded as "${short(text, 50)}"`.replace('  ', ' ') })
    }
    let number = o.number
    if (number && number.length > MAX_NUMBER) number = null
    return {
      number,
      text: limit(text, MAX_TEXT, 'objective text', o.line, warnings),
      outcomes: o.outcomes.map(x => limit(x.trim(), MAX_TEXT, 'expected outcome', o.line, warnings)).filter(Boolean),
      line: o.line,
      actions: o.actions.map(a => toAction(a, warnings)).filter((a): a is ParsedAction => a !== null),
    }
  })
  return {
    number: g.number,
    title: limit(g.title, MAX_SHORT, 'grid title', g.line, warnings),
    line: g.line,
    narratives,
    selfAssessment: sa.statements.map(s => ({ statement: limit(s.statement, MAX_TEXT, 'self-assessment statement', s.line, warnings), rag: s.rag, line: s.line })),
    budget: g.budget.length ? { lines: g.budget, line: g.budgetLine ?? g.line } : null,
    objectives,
  }
}

function capWarnings(warnings: ImportWarning[]): ImportWarning[] {
  const sorted = [...warnings].sort((a, b) => a.line - b.line)
  if (sorted.length <= MAX_WARNINGS) return sorted
  const kept = sorted.slice(0, MAX_WARNINGS)
  kept.push({ line: sorted[MAX_WARNINGS].line, message: `${sorted.length - MAX_WARNINGS} further warnings not listed` })
  return kept
}

const NO_GRID = 'no recognisable planning grid: no heading such as "Planning grid 1: …", "PLANNING GRID ONE", "Planning section 2: …" or "Section 3: …"'
const NO_YEAR = 'no plan year: the header names no financial year such as "Adult drug treatment plan 2006/07" or "Treatment Plan 2017-18"'

/** Reads a plan document's text. Refuses (ok: false) what is not a plan, recording nothing. */
export function parsePlanDocument(text: string): ParseResult {
  const refusal = refuseInput(text)
  if (refusal) return { ok: false, reason: refusal, warnings: [] }

  const warnings: ImportWarning[] = []
  // Fast refusal: no line can be a grid heading if the words never occur. (One linear scan;
  // saves cleaning every line of a large text that is not a plan.)
  if (!/(?:grid|section)\s+(?:\d|[a-z])/i.test(text)) {
    const yearNamed = /\b(?:19|20)\d{2}\s?[/\-–]\s?\d{1,4}\b/.test(text)
    return {
      ok: false,
      reason: `not a plan document: ${NO_GRID}${yearNamed ? '' : `; ${NO_YEAR}`}`,
      warnings: [],
    }
  }
  const lines = toDocLines(text)

  // Grid headings first: the header is what comes before them, and a document that starts
  // part-way through a grid is recognised from the first heading's number.
  let firstGridIndex = -1
  let firstHeading: GridHeading | null = null
  const headingNumbers = new Set<number>()
  lines.forEach((l, i) => {
    const t = l.kind === 'text' ? l.text : l.kind === 'row' ? (rowTexts(l).filter(Boolean).length === 1 ? l.text : '') : ''
    if (!t) return
    const h = matchGridHeading(t)
    if (!h) return
    headingNumbers.add(h.number)
    if (firstGridIndex < 0) {
      firstGridIndex = i
      firstHeading = h
    }
  })

  const header = readPlanHeader(lines, firstGridIndex, warnings)
  const problems: string[] = []
  if (firstGridIndex < 0) problems.push(NO_GRID)
  if (!header.year) problems.push(NO_YEAR)
  if (problems.length) {
    return { ok: false, reason: `not a plan document: ${problems.join('; ')}`, warnings: capWarnings(warnings) }
  }
  const year = header.year!

  let partnership = header.partnership
  if (!partnership) {
    partnership = 'Unnamed partnership'
    warnings.push({ line: 1, message: 'the header names no partnership; recorded as "Unnamed partnership"' })
  }

  const reader = new PlanReader(header, year, firstHeading, headingNumbers, warnings)
  reader.read(lines)
  const grids = reader.grids.map(g => toGrid(g, warnings)).sort((a, b) => a.number - b.number)
  if (grids.length === 0) {
    return { ok: false, reason: 'not a plan document: no planning grid could be read', warnings: capWarnings(warnings) }
  }
  const plan: ParsedPlan = {
    partnership: limit(partnership, MAX_SHORT, 'partnership', 1, warnings),
    year,
    title: limit(header.title ?? `Adult drug treatment plan ${year}`, MAX_SHORT, 'plan title', 1, warnings),
    grids,
  }
  return { ok: true, plan, warnings: capWarnings(warnings) }
}
