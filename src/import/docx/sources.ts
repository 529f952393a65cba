// Where each value of a parsed plan was read in the Word document (table, row and cell, or
// body paragraph), for a person to check a dry run against the document, and where each
// warning points. The parser reports lines of the rendered text; each line knows its source,
// and the cell is the one whose text holds the value.
import type { ImportWarning, ParsedPlan } from '../index.js'
import { collapseSpaces, type LineSource } from './renderPlanText.js'

export type DocxLocation = { paragraph: number } | { table: number; row: number; cell?: number }

export interface ActionSources {
  number: DocxLocation | null
  text: DocxLocation | null
  due: DocxLocation | null
  owners: DocxLocation | null
  cost: DocxLocation | null
  rag: DocxLocation | null
  progress: DocxLocation | null
}

export interface PlanSources {
  partnership: DocxLocation | null
  title: DocxLocation | null
  year: DocxLocation | null
  grids: Array<{
    number: number
    title: DocxLocation | null
    objectives: Array<{ number: string | null; text: DocxLocation | null; outcomes: Array<DocxLocation | null>; actions: ActionSources[] }>
  }>
}

/** How far past an item's own line its values may have been read (wrapped rows, outcomes). */
const LOOK_AHEAD = 60
/** Characters of a value compared: enough to tell cells apart, short enough to survive wrapping. */
const PROBE = 40

function probe(value: string): string {
  return collapseSpaces(value.replace(/…$/, '')).toLowerCase().slice(0, PROBE)
}

export class SourceMap {
  constructor(private readonly lines: LineSource[]) {}

  private at(line: number): LineSource | undefined {
    return this.lines[line - 1]
  }

  /** Where `value` was read, searching from `line` on (the item's own line first). */
  locate(value: string | null | undefined, line: number, lookAhead = LOOK_AHEAD): DocxLocation | null {
    const own = this.at(line)
    const p = value ? probe(value) : ''
    if (!p) return null
    for (let l = line; l < line + lookAhead && l <= this.lines.length; l++) {
      const source = this.at(l)
      if (!source || source.kind === 'blank') continue
      if (own?.kind === 'row' && source.kind === 'row' && source.table !== own.table) break
      if (source.kind === 'paragraph') {
        if (source.text.toLowerCase().includes(p)) return { paragraph: source.paragraph }
        continue
      }
      const cell = source.cells.find(c => c.text.toLowerCase().includes(p))
      if (cell) return { table: cell.table, row: cell.row, cell: cell.cell }
    }
    return this.line(line)
  }

  /** The paragraph or table row of a line (no cell). */
  line(line: number): DocxLocation | null {
    const source = this.at(line)
    if (!source || source.kind === 'blank') return null
    return source.kind === 'paragraph' ? { paragraph: source.paragraph } : { table: source.table, row: source.row }
  }

  /** A warning's place: table, row and the cell holding the text it quotes, or the paragraph. */
  describe(warning: ImportWarning): string {
    const source = this.at(warning.line)
    if (!source || source.kind === 'blank') return `near paragraph ${this.nearestParagraph(warning.line) ?? 1}`
    if (source.kind === 'paragraph') return `paragraph ${source.paragraph}`
    for (const [, quoted] of warning.message.matchAll(/"([^"]{2,})"/g)) {
      const p = probe(quoted)
      const cell = source.cells.find(c => c.text && c.text.toLowerCase().includes(p))
      if (cell) return `table ${cell.table}, row ${source.row}, cell ${cell.cell}`
    }
    return `table ${source.table}, row ${source.row}`
  }

  private nearestParagraph(line: number): number | null {
    for (let l = line; l >= 1; l--) {
      const s = this.at(l)
      if (s?.kind === 'paragraph') return s.paragraph
    }
    return null
  }

  /** The first line (from the top) whose text holds the value: for the plan's header. */
  find(value: string | null | undefined): DocxLocation | null {
    return value ? this.locate(value, 1, Math.min(this.lines.length, 400)) : null
  }

  plan(plan: ParsedPlan): PlanSources {
    const yearDigits = plan.year.slice(0, 4)
    return {
      partnership: this.find(plan.partnership),
      title: this.find(plan.title),
      year: plan.title.includes(yearDigits) ? this.find(plan.title) : this.find(yearDigits),
      grids: plan.grids.map(g => ({
        number: g.number,
        title: this.locate(g.title, g.line, 3),
        objectives: g.objectives.map(o => ({
          number: o.number,
          text: this.locate(o.text, o.line),
          outcomes: o.outcomes.map(x => this.locate(x, o.line, 400)),
          actions: o.actions.map(a => ({
            number: a.number ? this.locate(a.number, a.line, 1) : null,
            text: this.locate(a.text, a.line),
            due: this.locate(a.due, a.line),
            owners: this.locate(a.byWhom, a.line),
            cost: this.locate(a.cost, a.line),
            rag: a.rag ? this.locate(a.rag, a.line) : null,
            progress: a.progress ? this.locate(a.progress.note, a.progress.line) : null,
          })),
        })),
      })),
    }
  }
}

type Node = Record<string, unknown>
const list = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : [])

/**
 * Puts each value's source into a dry run's plan (plan-state shape): `source` on the plan
 * (partnership, title, year), on each grid (title), objective (text, outcomes) and action
 * (number, text, due, owners, cost, rag, progress). The plan state lists grids, objectives and
 * actions in the order they were parsed, so they pair up by position.
 */
export function attachSources(plan: unknown, sources: PlanSources): void {
  if (!plan || typeof plan !== 'object') return
  const root = plan as Node
  root.source = { partnership: sources.partnership, title: sources.title, year: sources.year }
  list(root.grids).forEach((grid, g) => {
    const gs = sources.grids[g]
    if (!gs) return
    grid.source = { title: gs.title }
    list(grid.objectives).forEach((objective, o) => {
      const os = gs.objectives[o]
      if (!os) return
      objective.source = { text: os.text, outcomes: os.outcomes }
      list(objective.actions).forEach((action, a) => {
        if (os.actions[a]) action.source = os.actions[a]
      })
    })
  })
}
