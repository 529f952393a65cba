// A pipe row with more cells than its table's header: a "|" written inside a cell without its
// escape ("Acute Trust | PCT"). Which two cells were one is judged by what the typed columns
// then hold (an action number, a date the domain's Due reads, an amount its Money reads, a RAG),
// never by position alone; the reading is a guess and says so.
import type { FinancialYear } from '../../domain/values/financialYear.js'
import { cellKind, CONTENT_COLUMNS, planYearOf, type CellKind } from '../columnContent.js'
import type { RawCell } from '../normaliseText.js'
import type { ImportRules } from '../profile.js'
import type { ColumnRole, DocLine } from '../tables.js'

/** What a cell of each typed column holds (columnContent.ts's reading of values). */
const KINDS: Partial<Record<NonNullable<ColumnRole>, readonly CellKind[]>> = {
  number: ['number', 'integer'],
  rag: ['rag'],
  when: ['when'],
  cost: ['money'],
}

function isTyped(role: ColumnRole): boolean {
  return role !== null && KINDS[role] !== undefined
}

function fits(role: ColumnRole, text: string, year: FinancialYear | null, rules: ImportRules): boolean {
  const kinds = role === null ? undefined : KINDS[role]
  const kind = kinds ? cellKind(text, year, rules) : null
  return kind !== null && kinds!.includes(kind)
}

export interface SurplusReading {
  line: DocLine
  /** What was joined, for the warning. */
  note: string
}

/** Joins a row's surplus cells so that it has one cell per column; null when it has none too many. */
export function joinSurplusCells(l: DocLine, roles: ColumnRole[], planYear: string, rules: ImportRules): SurplusReading | null {
  let width = l.texts.length
  while (width > 0 && !l.texts[width - 1]) width--
  const surplus = width - roles.length
  if (surplus <= 0 || roles.length === 0 || roles.length > CONTENT_COLUMNS) return null
  const year = planYearOf(planYear)
  // Typed columns' verdicts per cell position, computed once: a candidate join shifts cells, so
  // column i holds cell i before the join and cell i + surplus after it.
  const verdict = (role: ColumnRole, cell: number) => fits(role, l.texts[cell] ?? '', year, rules)
  const candidates: Array<{ at: number; score: number }> = []
  for (let at = 0; at < roles.length; at++) {
    let score = 0
    for (let i = 0; i < roles.length; i++) {
      if (i === at) {
        // A typed cell split in two: right when each part is such a value ("June 2010 | March 2011").
        if (isTyped(roles[i])) score += l.texts.slice(at, at + surplus + 1).every((_, k) => verdict(roles[i], at + k)) ? 1 : -1
        continue
      }
      if (verdict(roles[i], i < at ? i : i + surplus)) score++
    }
    candidates.push({ at, score })
  }
  const best = candidates.reduce((m, c) => Math.max(m, c.score), -Infinity)
  const tied = candidates.filter(c => c.score === best)
  // Of equal readings: values of a typed column that each fit it ("June 2010 | March 2011"), then
  // names joined by "|" ("Acute Trust | PCT"), are the likelier.
  const chosen = tied.find(c => isTyped(roles[c.at])) ?? tied.find(c => roles[c.at] === 'who') ?? tied[0]
  const at = chosen.at
  const joinedTexts = l.texts.slice(at, at + surplus + 1)
  const joined = joinedTexts.join(' | ')
  const cells: RawCell[] = [...l.cells.slice(0, at), joined, ...l.cells.slice(at + surplus + 1, width)]
  const texts = [...l.texts.slice(0, at), joined, ...l.texts.slice(at + surplus + 1, width)]
  const others = tied.filter(c => c !== chosen).map(c => `the ${roles[c.at] ?? 'unnamed'} column`)
  const note =
    `${surplus + roles.length} cells under ${roles.length} columns (a "|" inside a cell?): ` +
    `${joinedTexts.map(x => `"${x}"`).join(' and ')} read as one ${roles[at] ?? 'unnamed'} cell` +
    (others.length ? ` (as likely: ${others.join(', ')}); please check` : '; please check')
  return { line: { ...l, cells, texts }, note }
}
