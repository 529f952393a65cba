// Grid budgets: planned spend last year, likely (outturn) spend last year, planned spend this
// year — as one row of a three-column table, category rows with a total, or three "Box" headings
// each followed by its amount. Amounts stay as written; the domain's Money derives pence.
import type { BudgetLine } from '../domain/events.js'
import { parseMoney } from '../domain/values/money.js'
import { yearsIn } from './gridStructure.js'
import { DEFAULT_RULES, perRules, wordsPattern, type ImportRules } from './profile.js'

/** The profile's spend.likely words, anywhere in a heading ("Likely spend", "2009/10 outturn"). */
const likelyWords = perRules(rules => new RegExp(wordsPattern(rules.profile.spend.likely), 'iu'))

export type SpendColumn = 'plannedLastYear' | 'likelyLastYear' | 'plannedThisYear'

/**
 * Which figure a spend heading names, judged by its words and its year against the plan year:
 * "Likely spend 2005/6" → likely last year; "Planned spend 2006/7" in a 2006/07 plan → planned
 * this year; "Planned Spend 2002/03" in a 2003/04 plan → planned last year. Without a year the
 * position decides (the national template's order), which the caller reports as a guess.
 */
export function classifySpend(label: string, planYear: string, position: number, rules: ImportRules = DEFAULT_RULES): { column: SpendColumn; guessed: boolean } {
  const years = yearsIn(label)
  if (likelyWords(rules).test(label)) return { column: 'likelyLastYear', guessed: false }
  if (years.length) {
    const start = Number(years[0].slice(0, 4))
    const planStart = Number(planYear.slice(0, 4))
    if (start >= planStart) return { column: 'plannedThisYear', guessed: false }
    return { column: 'plannedLastYear', guessed: false }
  }
  const order: SpendColumn[] = ['plannedLastYear', 'likelyLastYear', 'plannedThisYear']
  return { column: order[Math.min(position, 2)], guessed: true }
}

export function money(text: string): BudgetLine['plannedThisYear'] {
  const t = text.trim()
  return t ? parseMoney(t) : null
}

export function budgetLine(label: string, values: Partial<Record<SpendColumn, string>>): BudgetLine {
  return {
    label,
    plannedLastYear: money(values.plannedLastYear ?? ''),
    likelyLastYear: money(values.likelyLastYear ?? ''),
    plannedThisYear: money(values.plannedThisYear ?? ''),
  }
}
