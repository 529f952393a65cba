// The reader's state and the plan it builds: the grid, objective and part of the grid it is in,
// and the operations that open grids and objectives and file narrative, outcomes and budget
// boxes. The line-by-line decisions live in planReader.ts; table rows in actionTable.ts and
// progressReport.ts.
import type { BudgetLine, GridNarrativeSection } from '../../domain/events.js'
import { budgetLine, classifySpend } from '../budget.js'
import { gridReference, isGridWord, type GridHeading } from '../gridStructure.js'
import { normaliseWords, type ImportRules } from '../profile.js'
import type { PlanHeader } from '../header.js'
import { joinWrapped } from '../normaliseText.js'
import type { ColumnRole } from '../tables.js'
import type { ImportWarning, RecognisedElement, Recognition } from '../types.js'
import { short, startsLower, type ActionDraft, type GridDraft, type ObjectiveDraft, type ProgressDraft, type Section, type SummaryRow, type TableState } from './drafts.js'

export class PlanBuilder {
  readonly grids: GridDraft[] = []
  /** Each recognised element, its line and the rule that recognised it (the dry run shows them). */
  readonly recognised: Recognition[] = []
  /** The grid and part of the last narrative line: a run of them is explained once. */
  private narrativeKey = ''
  /** Rows of budget summaries (budget tables whose rows are grids), matched to grids at the end. */
  readonly summaryRows: SummaryRow[] = []
  grid: GridDraft | null = null
  section: Section = 'guidance'
  objective: ObjectiveDraft | null = null
  table: TableState | null = null
  lastActionLayout: ColumnRole[] | null = null
  pendingSpend: { label: string; line: number } | null = null
  lastProgress: ProgressDraft | null = null
  blankBefore = false
  private gaveUpBeforeFirstGrid = false

  constructor(
    readonly header: PlanHeader,
    readonly planYear: string,
    private readonly firstHeading: GridHeading | null,
    private readonly headingNumbers: Set<number>,
    private readonly warnings: ImportWarning[],
    readonly rules: ImportRules,
  ) {}

  /** A cell that is only a grid word ("Section"): heads the label column of a budget summary. */
  isGridWord(text: string): boolean {
    return isGridWord(text, this.rules)
  }

  /** True when a label names a grid ("Section A", "Grid 2"). */
  namesGrid(label: string): boolean {
    return gridReference(label, this.rules) !== null
  }

  /**
   * Budget summary rows, once every grid is read: each row that names a grid (by heading,
   * number, letter or title) becomes that grid's budget; the rest, the plan's.
   */
  resolveSummaries(): { lines: BudgetLine[]; line: number } | null {
    const plan: BudgetLine[] = []
    let planLine: number | null = null
    for (const row of this.summaryRows) {
      const grid = this.gridOfLabel(row.label)
      if (grid) {
        const own = grid.budget.length > 0 && !grid.fromSummary
        const line = own ? row.line : { ...row.line, label: 'Total' }
        if (own) this.warn(row.at, `grid ${grid.number} has its own budget (line ${grid.budgetLine}); the summary row "${short(row.label, 40)}" is added to it`)
        grid.budget.push(line)
        grid.budgetLine ??= row.at
        grid.fromSummary = !own
        this.explain(row.at, 'budget', `row of a budget summary: "${short(row.label, 40)}" names grid ${grid.number} ("${short(grid.title, 40)}"); kept as its budget`)
      } else {
        plan.push(row.line)
        planLine ??= row.at
        this.explain(row.at, 'budget', `row of a budget summary: "${short(row.label, 40)}" names no grid; kept as the plan's budget`)
      }
    }
    return plan.length ? { lines: plan, line: planLine! } : null
  }

  private gridOfLabel(label: string): GridDraft | null {
    const number = gridReference(label, this.rules)
    if (number !== null) return this.grids.find(g => g.number === number) ?? null
    // "A – Commissioning the treatment system", "2: Harm reduction": a grid's number or letter, then its title.
    const led = /^([\p{L}\p{N}]{1,8})\s*[–—\-:.)]\s*(\S.*)$/u.exec(label.trim())
    const ledNumber = led ? gridReference(led[1], this.rules) : null
    if (led && ledNumber !== null) {
      const byNumber = this.grids.find(g => g.number === ledNumber)
      if (byNumber) return byNumber
      label = led[2]
    }
    const words = normaliseWords(label).join(' ')
    if (words.length < 4) return null
    const byTitle = this.grids.filter(g => {
      const title = normaliseWords(g.title).join(' ')
      return title.length >= 4 && (title === words || title.startsWith(`${words} `) || words.startsWith(`${title} `))
    })
    return byTitle.length === 1 ? byTitle[0] : null
  }

  warn(line: number, message: string): void {
    this.warnings.push({ line, message })
  }

  explain(line: number, element: RecognisedElement, rule: string): void {
    this.recognised.push({ line, element, rule })
  }

  /** The grid being read; only called where a grid is known to be open. */
  get currentGrid(): GridDraft {
    return this.grid!
  }

  // ---- grids ---------------------------------------------------------------------------------

  startGrid(h: GridHeading, line: number): void {
    this.finishGrid()
    this.objective = null
    this.table = null
    this.pendingSpend = null
    this.lastProgress = null
    this.section = 'guidance'
    this.explain(line, 'grid', h.rule)
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
      actions: [],
      byNumber: new Map(),
      pendingOutcomes: null,
      awaitingTitle: !h.title,
      rated: [],
      fromSummary: false,
    }
    this.grids.push(grid)
    this.grid = grid
  }

  finishGrid(): void {
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

  /**
   * A document that starts part-way through its first grid (the heading lost in extraction):
   * when grid content comes before the first heading and that heading is number N > 1, the
   * content is grid N − 1.
   */
  inferFirstGrid(line: number): boolean {
    if (this.gaveUpBeforeFirstGrid) return false
    const first = this.firstHeading
    if (!first || first.number <= 1 || this.headingNumbers.has(first.number - 1)) {
      this.gaveUpBeforeFirstGrid = true
      this.warn(line, 'grid content before the first grid heading, and no grid number can be inferred for it: not recorded')
      return false
    }
    const number = first.number - 1
    this.startGrid({ number, title: `${first.noun} ${number} (heading missing from the document)`, noun: first.noun, rule: 'inferred: content before the first heading' }, line)
    this.warn(line, `the document starts part-way through a grid: content before the "${first.noun} ${first.number}" heading recorded as grid ${number}, whose heading is missing`)
    return true
  }

  // ---- objectives ----------------------------------------------------------------------------

  startObjective(number: string | null, text: string, line: number, fromList: boolean, keepTable = false, rule?: string): ObjectiveDraft {
    const grid = this.currentGrid
    if (rule) this.explain(line, 'objective', rule)
    if (!keepTable) this.table = null
    if (number && grid.objectives.some(o => o.number === number)) {
      this.warn(line, `objective number ${number} appears twice in grid ${grid.number}; both kept, numbered as written`)
    }
    const objective: ObjectiveDraft = { number, text, outcomes: [], line, actions: [], byNumber: new Map(), fromList }
    grid.objectives.push(objective)
    this.objective = objective
    return objective
  }

  /** Files actions under an objective of the current grid, indexed by number. */
  addActions(objective: ObjectiveDraft, actions: ActionDraft[]): void {
    const grid = this.currentGrid
    for (const action of actions) {
      objective.actions.push(action)
      grid.actions.push(action)
      if (action.number === null) continue
      for (const index of [objective.byNumber, grid.byNumber]) {
        const list = index.get(action.number)
        if (list) list.push(action)
        else index.set(action.number, [action])
      }
    }
  }

  /** The objective actions go to; when the grid names none, one named after the grid. */
  ensureObjective(line: number): ObjectiveDraft {
    if (this.objective) return this.objective
    const grid = this.currentGrid
    const objective = this.startObjective(null, grid.title, line, false, true, `no objective heading before the actions: an unnumbered objective named after grid ${grid.number}`)
    if (grid.pendingOutcomes) {
      objective.outcomes.push(...grid.pendingOutcomes.texts)
      grid.pendingOutcomes = null
    }
    this.warn(line, `actions with no objective heading before them: recorded under an unnumbered objective named after grid ${grid.number} ("${short(grid.title, 50)}")`)
    return objective
  }

  // ---- narrative, outcomes, budget boxes ------------------------------------------------------

  addNarrative(section: GridNarrativeSection, text: string, line: number): void {
    this.addNarrativeTo(this.currentGrid, section, text, line)
  }

  private addNarrativeTo(grid: GridDraft, section: GridNarrativeSection, text: string, line: number): void {
    const n = grid.narratives.get(section)
    if (n) n.texts.push(text)
    else grid.narratives.set(section, { texts: [text], line })
    this.explainNarrative(grid, section, line)
  }

  /** Once per run: where each part of a grid's narrative starts, or starts again after something else. */
  explainNarrative(grid: GridDraft, section: GridNarrativeSection, line: number): void {
    const key = `${grid.number}/${section}`
    if (this.recognised[this.recognised.length - 1]?.element !== 'narrative' || this.narrativeKey !== key) {
      this.explain(line, 'narrative', section === 'self_assessment'
        ? `self-assessment text of grid ${grid.number}: statements ending in a RAG word are its ratings, the rest its narrative ("self_assessment")`
        : `text of grid ${grid.number} that is no heading, action or table: kept as its narrative ("${section}")`)
    }
    this.narrativeKey = key
  }

  addOutcome(text: string, line: number, fresh: boolean): void {
    const grid = this.currentGrid
    const objective = this.objective
    const list = objective ? objective.outcomes : (grid.pendingOutcomes ??= { texts: [], line }).texts
    if (!fresh && !this.blankBefore && list.length && startsLower(text)) list[list.length - 1] = joinWrapped(list[list.length - 1], text)
    else list.push(text)
  }

  /** The amount under a "Planned spend 2006/07" box heading. */
  spendValue(value: string, line: number): void {
    const grid = this.currentGrid
    const pending = this.pendingSpend!
    this.pendingSpend = null
    const { column, guessed } = classifySpend(pending.label, this.planYear, Object.keys(grid.box).length, this.rules)
    if (guessed) this.warn(pending.line, `budget heading "${pending.label}" names no year; taken as ${column}`)
    if (grid.box[column] !== undefined) this.warn(line, `a second amount for ${column} in grid ${grid.number} ("${value}") replaces "${grid.box[column]}"`)
    grid.box[column] = value
    grid.boxLine ??= pending.line
  }
}
