// One pass over the document's classified lines. Each line is a heading (grid, objective, a
// grid's part), a table row, or running text that the current part of the grid decides the
// meaning of. The state and the plan being built are in PlanBuilder.
import { isPageNumberLine, looksLikePartnership, namesGridWithColon, looksLikePlanTitle, matchGridHeading, matchObjectiveMarker, matchSectionHeading, type GridHeading, type SectionHeading } from '../gridStructure.js'
import type { PlanHeader } from '../header.js'
import { joinWrapped } from '../normaliseText.js'
import type { Outline, OutlineItem } from '../outline.js'
import { isSeparatorRow, recogniseHeader, rowTexts, type ColumnRole, type DocLine, type TableHeader } from '../tables.js'
import { mayHeadOtherTable, recogniseTable, recogniseTableAt } from '../tableHeader.js'
import { CONTENT_ROWS, planYearOf } from '../columnContent.js'
import type { BudgetLine } from '../../domain/events.js'
import type { FinancialYear } from '../../domain/values/financialYear.js'
import type { ImportWarning, Recognition } from '../types.js'
import { DEFAULT_RULES, type ImportRules } from '../profile.js'
import { splitActionNumber } from '../actions.js'
import { actionRow, appendTo, budgetRow, selfAssessmentRow, startTable } from './actionTable.js'
import { short, startsLower, startsWithPunctuation, type ActionDraft, type GridDraft } from './drafts.js'
import { isActionsHeading, labelledFields, withoutBullet, type LabelledField } from './labelledActions.js'
import { joinSurplusCells } from './surplusCells.js'
import { PlanBuilder } from './planBuilder.js'
import { progressComment, progressRow } from './progressReport.js'

/** Longest line taken as a grid title when it follows a bare "PLANNING GRID ONE" heading. */
const MAX_TITLE = 500

export class PlanReader {
  private readonly b: PlanBuilder
  /** Page headers repeated through the document (not the header lines themselves): reported once each. */
  private readonly pageHeaders = new Map<string, { line: number; count: number }>()
  /** Page-number lines ("Page 3 of 9"): the first, and how many. */
  private pageNumbers: { text: string; line: number; count: number } | null = null
  /** A paragraph among an objective's actions, kept until the next line says whether label lines ("Lead: …") make it an action. */
  private pending: { text: string; line: number; blankBefore: boolean } | null = null
  /** The action the last label line filled: further label lines fill it too. */
  private labelled: ActionDraft | null = null

  constructor(
    private readonly header: PlanHeader,
    planYear: string,
    firstHeading: GridHeading | null,
    headingNumbers: Set<number>,
    warnings: ImportWarning[],
    /** The built-in profile with the user's words, if any. */
    private readonly rules: ImportRules = DEFAULT_RULES,
    /** The document's numbered outline, when that is its structure (outline.ts). */
    private readonly outline: Outline | null = null,
  ) {
    this.b = new PlanBuilder(header, planYear, firstHeading, headingNumbers, warnings, rules)
    this.year = planYearOf(planYear)
  }

  private readonly year: FinancialYear | null
  private lines: DocLine[] = []
  private at = 0
  /** Rows up to this index were judged as the start of a table by their content already (none was). */
  private judgedUntil = 0

  /** Budget lines of the plan as a whole (budget summary rows naming no grid), once read. */
  planBudget: { lines: BudgetLine[]; line: number } | null = null

  /** Every recognised element with its line and rule, once read. */
  get recognised(): Recognition[] {
    return this.b.recognised
  }

  /** Reads every line; returns the grids as drafts. */
  read(lines: DocLine[], onLine: (line: number) => void): GridDraft[] {
    const b = this.b
    this.lines = lines
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]
      this.at = i
      onLine(l.line)
      if (l.kind === 'blank') {
        // A table left out, or of ratings, ends at a blank line: what follows is judged afresh.
        if (b.table?.kind === 'ignored' || b.table?.kind === 'selfAssessment') b.table = null
        b.blankBefore = true
        continue
      }
      if (l.kind === 'row') {
        this.settleParagraph()
        this.row(l)
      } else if (!this.labelledLine(l.text, l.line)) {
        this.text(l.text, l.line)
      }
      b.blankBefore = false
    }
    this.settleParagraph()
    b.finishGrid()
    this.planBudget = b.resolveSummaries()
    for (const [text, { line, count }] of this.pageHeaders) {
      b.warn(line, `"${short(text)}" taken as a repeated page header and not recorded (${count} time${count === 1 ? '' : 's'} from this line)`)
    }
    const pages = this.pageNumbers
    if (pages) b.warn(pages.line, `page-number lines such as "${short(pages.text, 40)}" not recorded (${pages.count} from this line)`)
    return b.grids
  }

  // ---- running text ---------------------------------------------------------------------

  private isPageHeader(text: string): boolean {
    if (text === this.header.title || text === this.header.partnership) return true
    if (looksLikePartnership(text, this.rules)) return true
    return text.length <= 80 && looksLikePlanTitle(text, this.rules) && !/[.;]$/.test(text) && !namesGridWithColon(text, this.rules)
  }

  private isStructural(text: string): boolean {
    return !!(matchGridHeading(text, this.rules) || matchObjectiveMarker(text, this.rules) || matchSectionHeading(text, this.rules) || this.isPageHeader(text))
  }

  /** A page header repeated through the document: counted, reported once, never recorded. */
  private countPageHeader(t: string, line: number): void {
    if (!this.b.grid || t === this.header.title || t === this.header.partnership) return
    const seen = this.pageHeaders.get(t)
    if (seen) seen.count++
    else this.pageHeaders.set(t, { line, count: 1 })
  }

  private text(t: string, line: number): void {
    const b = this.b
    // What a page break leaves (a page number, the running header) ends no table: a table
    // split across pages goes on after it.
    if (isPageNumberLine(t, this.rules)) {
      if (this.pageNumbers) this.pageNumbers.count++
      else this.pageNumbers = { text: t, line, count: 1 }
      return
    }
    if (b.table && this.isPageHeader(t) && !matchGridHeading(t, this.rules) && !matchObjectiveMarker(t, this.rules) && !matchSectionHeading(t, this.rules)) {
      this.countPageHeader(t, line)
      return
    }
    const item = this.outline?.get(line)
    if (item && this.outlineItem(item, t, line)) return
    if (b.table) {
      const last = b.table.last
      if (b.table.kind === 'actions' && last && (startsLower(t) || startsWithPunctuation(t)) && !this.isStructural(t)) {
        // A wrapped line of the last cell that lost its table form.
        appendTo(last, t, '', '', '', '')
        b.warn(line, `text line "${short(t)}" taken as the continuation of the action above`)
        return
      }
      b.table = null
    }
    const heading = matchGridHeading(t, this.rules)
    if (heading) {
      b.startGrid(heading, line)
      return
    }
    const marker = matchObjectiveMarker(t, this.rules)
    const part = marker ? null : matchSectionHeading(t, this.rules)
    if (!marker && !part && this.isPageHeader(t)) {
      this.countPageHeader(t, line)
      if (b.grid || this.header.used.has(line)) return
    }
    if (!b.grid) {
      this.beforeFirstGrid(t, line)
      return
    }
    const grid = b.grid
    if (grid.awaitingTitle) {
      grid.awaitingTitle = false
      if (!marker && !part && t.length <= MAX_TITLE) {
        grid.title = t
        return
      }
    }
    if (marker) {
      b.startObjective(marker.number, marker.text, line, false, false, marker.rule)
      b.section = 'objective'
      return
    }
    if (part) {
      this.sectionHeading(part, line)
      return
    }
    this.body(t, line)
  }

  private sectionHeading(h: SectionHeading, line: number): void {
    const b = this.b
    b.pendingSpend = null
    switch (h.kind) {
      case 'narrative':
        b.section = h.section
        if (h.rest) this.body(h.rest, line)
        return
      case 'objectives_list':
        b.section = 'objectives_list'
        return
      case 'outcomes':
        b.explain(line, 'outcome', `expected outcomes heading: what follows are the outcomes of ${b.objective ? `objective ${b.objective.number ?? `"${short(b.objective.text, 40)}"`}` : `grid ${b.currentGrid.number}`}`)
        b.section = 'outcomes'
        if (h.rest) b.addOutcome(h.rest, line, true)
        return
      case 'actions':
        b.section = 'actions'
        return
      case 'progress':
        b.section = 'progress'
        b.lastProgress = null
        return
      case 'note':
        b.addNarrative('guidance', h.rest, line)
        return
      case 'spend':
        b.section = 'budget_box'
        b.pendingSpend = { label: h.label, line }
        if (h.rest) b.spendValue(h.rest, line)
        return
    }
  }

  /** Running text that is no heading: what it becomes depends on the part of the grid it is in. */
  private body(t: string, line: number): void {
    if ((this.b.section === 'objective' || this.b.section === 'actions') && this.pendParagraph(t, line)) return
    this.bodyAsWritten(t, line)
  }

  private bodyAsWritten(t: string, line: number): void {
    const b = this.b
    const grid = b.currentGrid
    switch (b.section) {
      case 'guidance':
      case 'gap_analysis':
      case 'key_priorities':
      case 'other':
        b.addNarrative(b.section, t, line)
        return
      case 'self_assessment':
        grid.sa.push({ line, text: t, paragraphStart: b.blankBefore })
        b.explainNarrative(grid, 'self_assessment', line)
        return
      case 'objectives_list': {
        const m = /^(\d{1,3})[.)]\s+(.+)$/.exec(t)
        if (m) {
          b.startObjective(m[1], m[2], line, true, false, `objective: item "${m[1]}" of the list under an objectives heading`)
          b.section = 'objectives_list'
          return
        }
        const last = grid.objectives[grid.objectives.length - 1]
        if (last && last.fromList && !b.blankBefore) {
          last.text = joinWrapped(last.text, t)
          return
        }
        b.section = 'other'
        b.addNarrative('other', t, line)
        return
      }
      case 'objective': {
        const objective = b.objective
        if (objective && objective.actions.length === 0) {
          // A paragraph of its own (after a blank line) stays one: "heading\nparagraph", not run on.
          objective.text = b.blankBefore && objective.text ? `${objective.text}\n${t}` : joinWrapped(objective.text, t)
          return
        }
        b.addNarrative('other', t, line)
        b.warn(line, `text after the actions of an objective recorded as grid narrative ("other"): "${short(t)}"`)
        return
      }
      case 'outcomes':
        b.addOutcome(t, line, false)
        return
      case 'actions':
        b.addNarrative('other', t, line)
        b.warn(line, `text among the actions recorded as grid narrative ("other"): "${short(t)}"`)
        return
      case 'progress':
        progressComment(b, t, line)
        return
      case 'budget_box':
        if (b.pendingSpend) b.spendValue(t, line)
        else {
          b.section = 'other'
          b.addNarrative('other', t, line)
        }
        return
    }
  }

  // ---- actions written as a paragraph and label lines -------------------------------------

  /**
   * A label line ("Lead: …", "Timescale: June 2011; Cost: £5,000") after a paragraph among an
   * objective's actions makes that paragraph an action and fills its cells; after such an
   * action it fills more of its cells. Otherwise the paragraph waiting for it is read as before.
   */
  private labelledLine(t: string, line: number): boolean {
    const b = this.b
    const waiting = this.pending
    if (waiting || this.labelled) {
      const fields = b.grid && !b.table ? labelledFields(t, this.rules) : null
      if (fields) {
        if (waiting) {
          this.labelled = this.paragraphAction(waiting.text, waiting.line)
          b.explain(waiting.line, 'action', `paragraph followed by label lines: an action${this.labelled.number ? ` numbered "${this.labelled.number}" at the start of its text` : ''}, its cells given by the labels`)
        }
        for (const f of fields) b.explain(line, 'label', `"${f.label}:" is ${f.role} (profile word "${f.phrase}") of the action at line ${this.labelled!.line}`)
        this.fill(this.labelled!, fields)
        this.pending = null
        return true
      }
      if (startsLower(t) && !this.isStructural(t)) {
        // The paragraph (or a numbered action no label has followed yet) wrapped onto this line.
        if (waiting) {
          waiting.text = joinWrapped(waiting.text, t)
          return true
        }
        const action = this.labelled!
        if (!action.due && !action.who && !action.cost && !action.rag) {
          action.text = joinWrapped(action.text, t)
          return true
        }
      }
    }
    this.settleParagraph()
    return false
  }

  /** Holds a paragraph among an objective's actions for the next line; false when it cannot be an action. */
  private pendParagraph(t: string, line: number): boolean {
    if (isActionsHeading(t, this.rules)) {
      this.b.section = 'actions'
      return true
    }
    if (this.b.table) return false
    this.pending = { text: t, line, blankBefore: this.b.blankBefore }
    return true
  }

  /** The paragraph no label line followed: read as it would have been without waiting. */
  private settleParagraph(): void {
    const done = this.labelled
    if (done && !done.due && !done.who && !done.cost && !done.rag) {
      this.b.warn(done.line, `action ${done.number ?? `"${short(done.text, 40)}"`} has no by when, by whom or cost under it; recorded as an action`)
    }
    this.labelled = null
    const waiting = this.pending
    if (!waiting) return
    this.pending = null
    const blankBefore = this.b.blankBefore
    this.b.blankBefore = waiting.blankBefore
    this.bodyAsWritten(waiting.text, waiting.line)
    this.b.blankBefore = blankBefore
  }

  private paragraphAction(text: string, line: number): ActionDraft {
    const b = this.b
    const lead = splitActionNumber(withoutBullet(text))
    const action: ActionDraft = { number: lead.number, text: lead.text, due: '', who: '', cost: '', rag: '', line, progress: null }
    b.addActions(b.ensureObjective(line), [action])
    b.section = 'actions'
    return action
  }

  private fill(action: ActionDraft, fields: LabelledField[]): void {
    for (const f of fields) {
      if (f.role === 'number') action.number ??= f.value || null
      else if (f.role === 'when') action.due = joinWrapped(action.due, f.value)
      else if (f.role === 'who') action.who = joinWrapped(action.who, f.value)
      else if (f.role === 'cost') action.cost = joinWrapped(action.cost, f.value)
      else action.rag = joinWrapped(action.rag, f.value)
    }
  }

  /** A line of the numbered outline: a grid, an objective, or an action (label lines may follow it). */
  private outlineItem(item: OutlineItem, t: string, line: number): boolean {
    const b = this.b
    if (item.kind === 'grid') {
      b.startGrid(item.heading, line)
      return true
    }
    if (!b.grid) return false
    b.table = null
    if (item.kind === 'objective') {
      b.startObjective(item.marker.number, item.marker.text, line, false, false, item.marker.rule)
      b.section = 'objective'
      return true
    }
    this.labelled = this.paragraphAction(t, line)
    b.explain(line, 'action', `third level of the numbered outline, numbered "${this.labelled.number ?? ''}"`)
    return true
  }

  private beforeFirstGrid(t: string, line: number): void {
    const heading = matchSectionHeading(t, this.rules)
    const gridContent = matchObjectiveMarker(t, this.rules) || (heading && (heading.kind === 'actions' || heading.kind === 'outcomes' || heading.kind === 'objectives_list'))
    if (gridContent && this.b.inferFirstGrid(line)) {
      this.text(t, line)
      return
    }
    if (this.header.used.has(line)) return
    this.b.warn(line, `text before the first grid heading not recorded: "${short(t)}"`)
  }

  // ---- table rows ---------------------------------------------------------------------------

  /**
   * The table a row starts when no table is open: by its words, or by what the rows below it
   * hold (the row is then a header of unknown words, or the first row of a table with none).
   * A run of rows judged once is not judged again row by row: reading stays linear.
   */
  private tableStartingAt(texts: string[]): TableHeader | null {
    if (this.at < this.judgedUntil) return recogniseTable(texts, this.rules)
    const { below, end } = this.rowsBelow(texts)
    const found = recogniseTableAt(texts, this.rules, below, this.year)
    if (!found) this.judgedUntil = end
    return found
  }

  /** A row of an open table that heads a table of another kind (by its words and the rows below). */
  private otherTableAt(texts: string[]): TableHeader | null {
    if (!mayHeadOtherTable(texts, this.rules, this.year)) return null
    const found = recogniseTable(texts, this.rules, { rows: this.rowsBelow(texts).below, year: this.year })
    return found && found.kind !== 'actions' && found.kind !== 'progress' ? found : null
  }

  /** The table rows right below the current line (at most CONTENT_ROWS), and the index after them. */
  private rowsBelow(texts: string[]): { below: string[][]; end: number } {
    const below: string[][] = []
    let j = this.at + 1
    for (; j < this.lines.length && below.length < CONTENT_ROWS; j++) {
      const next = this.lines[j]
      if (next.kind !== 'row') break
      if (isSeparatorRow(next)) continue
      const cells = rowTexts(next)
      if (cells.join('\t') === texts.join('\t')) continue
      below.push(cells)
    }
    return { below, end: j }
  }

  private row(l: DocLine): void {
    const b = this.b
    if (isSeparatorRow(l)) return
    const texts = rowTexts(l)
    const filled = texts.filter(Boolean)
    if (filled.length === 0) return
    if (filled.length === 1 && (!b.table || this.isStructural(filled[0]))) {
      const marker = b.table?.kind === 'actions' ? matchObjectiveMarker(filled[0], this.rules) : null
      if (marker) {
        // An objective in a row across the action table ("Target 1.2: …"): the table's header
        // still names the columns of the rows below it.
        b.startObjective(marker.number, marker.text, l.line, false, true)
        b.table!.last = null
        return
      }
      // A one-cell row ("Quarterly Progress Report to DAT: Quarter\t\t") is running text.
      this.text(filled[0], l.line)
      return
    }
    // After a blank line a budget's rows may have ended: the row is judged afresh, as where no table is open.
    const afresh = !b.table || (b.table.kind === 'budget' && b.blankBefore)
    const header = afresh ? this.tableStartingAt(texts) : (recogniseHeader(l, this.rules) ?? this.otherTableAt(texts))
    if (header) {
      // The same header again while its table is open: repeated at the top of a new page, and
      // the table (with a row broken across the page) goes on.
      if (b.table?.header === l.text) return
      startTable(b, header, l)
      if (!header.headerless) return
    }
    if (!b.table) {
      if (!b.grid && b.inferFirstGrid(l.line)) {
        this.row(l)
        return
      }
      if (b.grid && (b.section === 'objective' || b.section === 'actions' || b.section === 'outcomes') && filled.length >= 2) {
        const layout = b.lastActionLayout && b.lastActionLayout.length === l.cells.length ? b.lastActionLayout : null
        const roles: ColumnRole[] = layout ?? (['action', 'when', 'who', 'cost', 'rag'] as ColumnRole[]).slice(0, Math.max(2, Math.min(5, l.cells.length)))
        const why = layout ? 'action rows without a header row: columns taken from the previous action table' : `action rows without a header row: columns taken as ${roles.join(' | ')}`
        startTable(b, { kind: 'actions', roles, rule: `${why} (by position)` }, l, true)
        b.warn(l.line, why)
      } else {
        b.warn(l.line, `table row outside any recognised table not recorded: "${short(l.text)}"`)
        return
      }
    }
    const table = b.table!
    if (table.kind === 'ignored') return
    if (table.kind === 'actions' && l.format === 'pipe') {
      const joined = joinSurplusCells(l, table.roles, b.planYear, this.rules)
      if (joined) {
        b.warn(l.line, joined.note)
        l = joined.line
      }
    }
    if (table.kind !== 'progress' && table.kind !== 'selfAssessment') {
      const dropped = rowTexts(l).filter((text, i) => text && (table.roles[i] === undefined || table.roles[i] === null) && !(table.kind === 'budget' && i === table.labelIndex))
      if (dropped.length) b.warn(l.line, `cell${dropped.length > 1 ? 's' : ''} under no recognised column not recorded: ${dropped.map(d => `"${short(d, 40)}"`).join(', ')}`)
    }
    if (table.kind === 'budget') budgetRow(b, l, texts)
    else if (table.kind === 'selfAssessment') selfAssessmentRow(b, l, texts)
    else if (table.kind === 'progress') progressRow(b, l, texts)
    else actionRow(b, l)
  }
}
