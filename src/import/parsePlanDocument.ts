// Reads the text of a plan document into a ParsedPlan: partnership, year, grids with their
// narratives, self-assessment ratings and budget, objectives, actions (words as written) and
// progress rows. Pure: no I/O. The text is split into classified lines (tables.ts), the header
// read (header.ts), then one pass of the reader (reader/planReader.ts) builds the grids, and
// reader/assemble.ts turns them into the result.
import { defaultPlanTitle } from '../domain/planTitle.js'
import { matchGridHeading, mayHoldGridHeading, type GridHeading } from './gridStructure.js'
import { readPlanHeader } from './header.js'
import { rulesFor, type ImportRules } from './profile.js'
import { EMPTY_DOCUMENT, refuseInput } from './limits.js'
import { noGridHeading, noGridRead, noYear, together, type Refusal } from './refusals.js'
import { findOutline, OUTLINE_HINT } from './outline.js'
import { budgetWithinLimits, capWarnings, limit, MAX_SHORT, toGrid } from './reader/assemble.js'
import { PlanReader } from './reader/planReader.js'
import { fromSourceLines, type SourceLine } from './sourceLines.js'
import { rowTexts, toDocLines, type DocLine } from './tables.js'
import type { ImportWarning, ParsedPlan, ParseOptions, ParseResult } from './types.js'

export type { ImportWarning, ParsedAction, ParsedGrid, ParsedObjective, ParsedPlan, ParseResult } from './types.js'

/** Reads a plan document's text. Refuses (ok: false) what is not a plan, recording nothing. */
export function parsePlanDocument(text: string, options: ParseOptions = {}): ParseResult {
  const refusal = refuseInput(text)
  if (refusal) return { ok: false, reason: refusal, warnings: [] }

  // Fast refusal: no line can be a grid heading if the profile's grid words never occur. (One
  // linear scan; saves cleaning every line of a large text that is not a plan.)
  const rules = rulesFor(options.profile)
  if (!mayHoldGridHeading(text, rules) && !OUTLINE_HINT.test(text)) {
    // Lines as they are, uncleaned: enough to say what was missing and which word would help.
    const lines: DocLine[] = text.split(/\r?\n/).map((raw, i) => {
      const t = raw.trim()
      return { line: i + 1, kind: t ? 'text' : 'blank', text: t, cells: [], texts: [] }
    })
    return refused([noGridHeading(lines, rules), ...(/\b(?:19|20)\d{2}\s?[/\-–]\s?\d{1,4}\b/.test(text) ? [] : [noYear(lines, -1)])], [])
  }
  return parseDocLines(toDocLines(text, options.onLine), options, rules)
}

/**
 * Reads a document already split into lines and table rows (a Word document's paragraphs and
 * table rows, for instance). Line numbers in warnings are positions in `lines` (1-based); a
 * warning about a line that carries a `source` tag carries that tag too.
 */
export function parsePlanLines(lines: SourceLine[], options: ParseOptions = {}): ParseResult {
  const { docLines, sources } = fromSourceLines(lines)
  const result = parseDocLines(docLines, options, rulesFor(options.profile))
  const tag = <T extends { line: number; source?: string }>(w: T): T => {
    const source = sources.get(w.line)
    return source === undefined ? w : { ...w, source }
  }
  if (!result.ok) return { ...result, warnings: result.warnings.map(tag) }
  return { ...result, warnings: result.warnings.map(tag), recognised: result.recognised.map(tag) }
}

function parseDocLines(lines: DocLine[], options: ParseOptions, rules: ImportRules): ParseResult {
  const warnings: ImportWarning[] = []
  // Grid headings first: the header is what comes before them, and a document that starts
  // part-way through a grid is recognised from the first heading's number.
  let firstGridIndex = -1
  let firstHeading: GridHeading | null = null
  const headingNumbers = new Set<number>()
  lines.forEach((l, i) => {
    const t = l.kind === 'text' ? l.text : l.kind === 'row' ? (rowTexts(l).filter(Boolean).length === 1 ? l.text : '') : ''
    if (!t) return
    const h = matchGridHeading(t, rules)
    if (!h) return
    headingNumbers.add(h.number)
    if (firstGridIndex < 0) {
      firstGridIndex = i
      firstHeading = h
    }
  })

  // No heading by the profile's words: a numbered outline (1 / 1.1 / 1.1.1) may be the structure.
  const outline = firstGridIndex < 0 ? findOutline(lines) : null
  if (outline) {
    lines.forEach((l, i) => {
      const item = outline.get(l.line)
      if (item?.kind !== 'grid') return
      headingNumbers.add(item.heading.number)
      if (firstGridIndex < 0) {
        firstGridIndex = i
        firstHeading = item.heading
      }
    })
  }

  const header = readPlanHeader(lines, firstGridIndex, warnings, rules)
  if (!lines.some(l => l.kind !== 'blank' && l.text.trim())) return { ok: false, reason: EMPTY_DOCUMENT, warnings: [] }
  const problems: Refusal[] = []
  if (firstGridIndex < 0) problems.push(noGridHeading(lines, rules))
  if (!header.year) problems.push(noYear(lines, firstGridIndex))
  if (problems.length) return refused(problems, warnings)
  const year = header.year!

  let partnership = header.partnership
  if (!partnership) {
    partnership = 'Unnamed partnership'
    warnings.push({ line: 1, message: 'the header names no partnership; recorded as "Unnamed partnership"' })
  }

  const onLine = options.onLine ?? (() => {})
  const reader = new PlanReader(header, year, firstHeading, headingNumbers, warnings, rules, outline)
  const drafts = reader.read(lines, onLine)
  const grids = drafts.map(g => toGrid(g, warnings, onLine, rules)).sort((a, b) => a.number - b.number)
  if (grids.length === 0) {
    return refused([noGridRead(rules)], warnings)
  }
  const plan: ParsedPlan = {
    partnership: limit(partnership, MAX_SHORT, 'partnership', 1, warnings),
    year,
    title: limit(header.title ?? defaultPlanTitle(year), MAX_SHORT, 'plan title', 1, warnings),
    ...(header.published ? { published: header.published } : {}),
    grids,
    ...(reader.planBudget ? { budget: { lines: budgetWithinLimits(reader.planBudget.lines, reader.planBudget.line, warnings), line: reader.planBudget.line } } : {}),
  }
  const recognised = [...header.recognised, ...reader.recognised].sort((a, b) => a.line - b.line)
  return { ok: true, plan, warnings: capWarnings(warnings), recognised }
}

/** A refusal naming every problem found, with one profile holding every suggested setting. */
function refused(problems: Refusal[], warnings: ImportWarning[]): ParseResult {
  const { reason, suggestedProfile } = together(problems)
  return { ok: false, reason: `not a plan document: ${reason}`, warnings: capWarnings(warnings), ...(suggestedProfile ? { suggestedProfile } : {}) }
}
