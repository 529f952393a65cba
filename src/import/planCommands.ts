// A parsed plan as the ordinary commands a commissioner would have issued: the imported plan is
// ordinary events (the command handler records them with actor "import"), each carrying the
// document's hash and the source line of the item.
import type { AddAction, AddGrid, AddObjective, CreatePlan, PlanCommand, ReportProgress, SetRag } from '../domain/commands.js'
import type { SourceRef } from '../domain/events.js'
import type { ParsedPlan } from './types.js'

export interface PlanCommandOptions {
  planId: string
  /** Makes the id of each new grid, objective and action. */
  newId: () => string
  /** SHA-256 (hex) of the document text: the `document` of every SourceRef. */
  document: string
  /** Today's Europe/London date (YYYY-MM-DD): effective dates are never later. */
  today: string
  /** The uploaded file's name, for the plan's source; "upload" when not known. */
  documentName?: string
}

/**
 * Effective dates of what the document states as true (RAG ratings, progress): the document
 * says nothing of when, so
 * - a RAG rating written into the plan is taken as the rating when the plan year began
 *   (1 April of its first year): that is what a plan's RAG column records;
 * - a progress entry is taken as at the end of the plan year (31 March), the latest date the
 *   plan's own reporting can speak for;
 * and neither is ever later than today (a plan for a year not yet started, or still running,
 * gets today).
 */
export function importEffectiveDates(year: string, today: string): { rag: string; progress: string } {
  const start = Number(year.slice(0, 4))
  const from = `${start}-04-01`
  const to = `${start + 1}-03-31`
  return { rag: from < today ? from : today, progress: to < today ? to : today }
}

export function planCommands(plan: ParsedPlan, options: PlanCommandOptions): PlanCommand[] {
  const { planId, newId, document, today } = options
  const at = (line: number): SourceRef => ({ document, line })
  const dates = importEffectiveDates(plan.year, today)
  const commands: PlanCommand[] = []

  const create: CreatePlan = {
    type: 'CreatePlan',
    planId,
    partnership: plan.partnership,
    year: plan.year,
    title: plan.title,
    source: { document: options.documentName ?? 'upload', sha256: document },
    ...(plan.published ? { published: plan.published } : {}),
  }
  commands.push(create)

  for (const grid of plan.grids) {
    const gridId = newId()
    const addGrid: AddGrid = { type: 'AddGrid', gridId, number: grid.number, title: grid.title, source: at(grid.line) }
    commands.push(addGrid)
    for (const n of grid.narratives) {
      commands.push({ type: 'RecordGridNarrative', gridId, section: n.section, text: n.text, source: at(n.line) })
    }
    for (const s of grid.selfAssessment) {
      commands.push({ type: 'RateSelfAssessment', gridId, statement: s.statement, rag: s.rag, source: at(s.line) })
    }
    if (grid.budget && grid.budget.lines.length) {
      commands.push({ type: 'RecordGridBudget', gridId, lines: grid.budget.lines, source: at(grid.budget.line) })
    }
    for (const objective of grid.objectives) {
      const objectiveId = newId()
      const addObjective: AddObjective = {
        type: 'AddObjective',
        gridId,
        objectiveId,
        number: objective.number,
        text: objective.text,
        outcomes: objective.outcomes,
        source: at(objective.line),
      }
      commands.push(addObjective)
      for (const action of objective.actions) {
        const actionId = newId()
        const addAction: AddAction = {
          type: 'AddAction',
          objectiveId,
          actionId,
          number: action.number,
          text: action.text,
          due: action.due,
          owners: action.owners,
          cost: action.cost,
          source: at(action.line),
        }
        commands.push(addAction)
        if (action.rag) {
          const setRag: SetRag = { type: 'SetRag', actionId, rag: action.rag, effectiveDate: dates.rag, reason: null, source: at(action.line) }
          commands.push(setRag)
        }
        if (action.progress) {
          const report: ReportProgress = {
            type: 'ReportProgress',
            actionId,
            effectiveDate: dates.progress,
            note: action.progress.note,
            status: null,
            furtherAction: action.progress.furtherAction,
            source: at(action.progress.line),
          }
          commands.push(report)
        }
      }
    }
  }
  if (plan.budget && plan.budget.lines.length) {
    commands.push({ type: 'RecordPlanBudget', lines: plan.budget.lines, source: at(plan.budget.line) })
  }
  return commands
}
