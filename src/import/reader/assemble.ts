// Drafts → the ParsedPlan shape: texts trimmed and kept within the domain's limits, owners
// split, RAG words read, self-assessment statements separated from narrative.
import { GRID_NARRATIVE_SECTIONS, type BudgetLine } from '../../domain/events.js'
import { MAX_BUDGET_LINES, MAX_ITEM_NUMBER, MAX_OWNERS_PER_ACTION, MAX_SHORT_TEXT, MAX_TEXT } from '../../domain/limits.js'
import { splitOwners } from '../../domain/values/owners.js'
import { ownerWholeNames } from '../profile.js'
import type { Money, Rag } from '../../domain/values/types.js'
import { ragWord } from '../columnContent.js'
import type { ImportRules } from '../profile.js'
import { readSelfAssessment } from '../selfAssessment.js'
import type { ImportWarning, ParsedAction, ParsedGrid, ParsedObjective } from '../types.js'
import { short, type ActionDraft, type GridDraft } from './drafts.js'

// Imported values are kept within the limits the domain enforces on commands.
export { MAX_TEXT }
export const MAX_SHORT = MAX_SHORT_TEXT
const MAX_NUMBER = MAX_ITEM_NUMBER
const MAX_WARNINGS = 2_000

export function limit(text: string, max: number, what: string, line: number, warnings: ImportWarning[]): string {
  if (text.length <= max) return text
  warnings.push({ line, message: `${what} is longer than ${max} characters; cut to that length` })
  return `${text.slice(0, max - 1)}…`
}

function toAction(d: ActionDraft, warnings: ImportWarning[], rules: ImportRules): ParsedAction | null {
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
    rag = ragWord(d.rag, rules)
    if (!rag) warnings.push({ line: d.line, message: `RAG "${d.rag}" is not Red, Amber or Green; not recorded` })
  }
  const byWhom = d.who.trim()
  const owners = (byWhom ? splitOwners(byWhom, { wholeNames: ownerWholeNames(rules) }) : [])
    .map((o: string) => limit(o.trim(), MAX_SHORT, 'owner', d.line, warnings))
    .filter((o: string) => o.length > 0)
  if (owners.length > MAX_OWNERS_PER_ACTION) {
    warnings.push({ line: d.line, message: `${owners.length} owners named; the first ${MAX_OWNERS_PER_ACTION} kept, the most one action may have` })
    owners.length = MAX_OWNERS_PER_ACTION
  }
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

export function toGrid(g: GridDraft, warnings: ImportWarning[], onLine: (line: number) => void, rules: ImportRules): ParsedGrid {
  const sa = readSelfAssessment(g.sa, warnings, rules)
  if (sa.narrative.length) {
    const first = sa.narrative[0].line
    const existing = g.narratives.get('self_assessment')
    const texts = sa.narrative.map(n => n.text)
    if (existing) existing.texts.push(...texts)
    else g.narratives.set('self_assessment', { texts, line: first })
  }
  const narratives = GRID_NARRATIVE_SECTIONS
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
    if (o.actions.length === 0) {
      // Said, not guessed: sentences about who will do what by when are not made into actions.
      warnings.push({
        line: o.line,
        message: `objective ${o.number ?? `"${short(text, 40)}"`} of grid ${g.number} has no actions: no action table row, numbered action or paragraph with label lines ("Lead: …") under it; its words are kept as the objective's text`,
      })
    }
    return {
      number,
      text: limit(text, MAX_TEXT, 'objective text', o.line, warnings),
      outcomes: o.outcomes.map(x => limit(x.trim(), MAX_TEXT, 'expected outcome', o.line, warnings)).filter(Boolean),
      line: o.line,
      actions: o.actions.map(a => (onLine(a.line), toAction(a, warnings, rules))).filter((a): a is ParsedAction => a !== null),
    }
  })
  return {
    number: g.number,
    title: limit(g.title, MAX_SHORT, 'grid title', g.line, warnings),
    line: g.line,
    narratives,
    selfAssessment: [...sa.statements, ...g.rated].sort((a, b) => a.line - b.line).map(s => ({ statement: limit(s.statement, MAX_TEXT, 'self-assessment statement', s.line, warnings), rag: s.rag, line: s.line })),
    budget: g.budget.length ? { lines: budgetWithinLimits(g.budget, g.budgetLine ?? g.line, warnings), line: g.budgetLine ?? g.line } : null,
    objectives,
  }
}

/** Warnings in line order, at most MAX_WARNINGS of them and a count of the rest. */
export function capWarnings(warnings: ImportWarning[]): ImportWarning[] {
  const sorted = [...warnings].sort((a, b) => a.line - b.line)
  if (sorted.length <= MAX_WARNINGS) return sorted
  const kept = sorted.slice(0, MAX_WARNINGS)
  kept.push({ line: sorted[MAX_WARNINGS].line, message: `${sorted.length - MAX_WARNINGS} further warnings not listed` })
  return kept
}

/** Budget lines within the domain's limits: at most MAX_BUDGET_LINES, labels and figures' words cut to the short-text limit. */
export function budgetWithinLimits(lines: BudgetLine[], line: number, warnings: ImportWarning[]): BudgetLine[] {
  if (lines.length > MAX_BUDGET_LINES) warnings.push({ line, message: `${lines.length} budget lines; the first ${MAX_BUDGET_LINES} kept` })
  const figure = (m: Money | null): Money | null => m && { ...m, text: limit(m.text, MAX_SHORT, 'budget figure', line, warnings) }
  return lines.slice(0, MAX_BUDGET_LINES).map(l => ({
    label: limit(l.label, MAX_SHORT, 'budget line label', line, warnings),
    plannedLastYear: figure(l.plannedLastYear),
    likelyLastYear: figure(l.likelyLastYear),
    plannedThisYear: figure(l.plannedThisYear),
  }))
}
