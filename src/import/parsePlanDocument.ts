// Reads the text of a plan document into a ParsedPlan: partnership, year, grids with their
// narratives, self-assessment ratings and budget, objectives, actions (words as written) and
// progress rows. Pure: no I/O. The text is split into classified lines (tables.ts), the header
// read (header.ts), then one pass of the reader (reader/planReader.ts) builds the grids, and
// reader/assemble.ts turns them into the result.
import { defaultPlanTitle } from '../domain/planTitle.js'
import { matchGridHeading, type GridHeading } from './gridStructure.js'
import { readPlanHeader } from './header.js'
import { compileRules, DEFAULT_RULES } from './profile.js'
import { refuseInput } from './limits.js'
import { findOutline, OUTLINE_HINT } from './outline.js'
import { budgetWithinLimits, capWarnings, limit, MAX_SHORT, toGrid } from './reader/assemble.js'
import { PlanReader } from './reader/planReader.js'
import { fromSourceLines, type SourceLine } from './sourceLines.js'
import { rowTexts, toDocLines, type DocLine } from './tables.js'
import type { ImportWarning, ParsedPlan, ParseOptions, ParseResult } from './types.js'

export type { ImportWarning, ParsedAction, ParsedGrid, ParsedObjective, ParsedPlan, ParseResult } from './types.js'

const NO_GRID =
  'no recognisable planning grid: no heading such as "Planning grid 1: …", "PLANNING GRID ONE", "Planning section 2: …" or "Section 3: …"' +
  ' (if this document heads its grids with another word, name it in an import profile: {"headings": {"grid": ["theme"]}})'
const NO_YEAR =
  'no plan year: the header names no financial year such as "Adult drug treatment plan 2006/07" or "Treatment Plan 2017-18"' +
  ' (if the year is on a line with a label of its own, such as "Plan period: 2010/11", name the label in an import profile: {"header": {"title": ["plan period"]}})'

/** Reads a plan document's text. Refuses (ok: false) what is not a plan, recording nothing. */
export function parsePlanDocument(text: string, options: ParseOptions = {}): ParseResult {
  const refusal = refuseInput(text)
  if (refusal) return { ok: false, reason: refusal, warnings: [] }

  // Fast refusal: no line can be a grid heading if the words never occur. (One linear scan;
  // saves cleaning every line of a large text that is not a plan.)
  // (A profile with its own grid words has headings this scan does not know.)
  if (!options.profile?.headings?.grid?.length && !/(?:grid|section)\s+(?:\d|[a-z])/i.test(text) && !OUTLINE_HINT.test(text)) {
    const yearNamed = /\b(?:19|20)\d{2}\s?[/\-–]\s?\d{1,4}\b/.test(text)
    return {
      ok: false,
      reason: `not a plan document: ${NO_GRID}${yearNamed ? '' : `; ${NO_YEAR}`}`,
      warnings: [],
    }
  }
  return parseDocLines(toDocLines(text, options.onLine), options)
}

/**
 * Reads a document already split into lines and table rows (a Word document's paragraphs and
 * table rows, for instance). Line numbers in warnings are positions in `lines` (1-based); a
 * warning about a line that carries a `source` tag carries that tag too.
 */
export function parsePlanLines(lines: SourceLine[], options: ParseOptions = {}): ParseResult {
  const { docLines, sources } = fromSourceLines(lines)
  const result = parseDocLines(docLines, options)
  const tag = <T extends { line: number; source?: string }>(w: T): T => {
    const source = sources.get(w.line)
    return source === undefined ? w : { ...w, source }
  }
  if (!result.ok) return { ...result, warnings: result.warnings.map(tag) }
  return { ...result, warnings: result.warnings.map(tag), recognised: result.recognised.map(tag) }
}

function parseDocLines(lines: DocLine[], options: ParseOptions): ParseResult {
  const warnings: ImportWarning[] = []
  const rules = options.profile ? compileRules(options.profile) : DEFAULT_RULES
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

  const onLine = options.onLine ?? (() => {})
  const reader = new PlanReader(header, year, firstHeading, headingNumbers, warnings, rules, outline)
  const drafts = reader.read(lines, onLine)
  const grids = drafts.map(g => toGrid(g, warnings, onLine)).sort((a, b) => a.number - b.number)
  if (grids.length === 0) {
    return { ok: false, reason:
        'not a plan document: no planning grid could be read' +
        ' (if its objectives and action tables use words of their own, name them in an import profile: {"headings": {"objective": ["commitment"]}, "columns": {"action": ["task"]}})', warnings: capWarnings(warnings) }
  }
  const plan: ParsedPlan = {
    partnership: limit(partnership, MAX_SHORT, 'partnership', 1, warnings),
    year,
    title: limit(header.title ?? defaultPlanTitle(year), MAX_SHORT, 'plan title', 1, warnings),
    ...(header.published ? { published: header.published } : {}),
    grids,
    ...(reader.planBudget ? { budget: { lines: budgetWithinLimits(reader.planBudget.lines, reader.planBudget.line, warnings), line: reader.planBudget.line } } : {}),
  }
  const recognised = [...reader.recognised].sort((a, b) => a.line - b.line)
  return { ok: true, plan, warnings: capWarnings(warnings), recognised }
}
