// The document header: which partnership, which plan year, what the plan calls itself.
import { looksLikePartnership, looksLikePlanTitle, matchGridHeading, yearsIn, FY_TOKEN, normaliseYear } from './gridStructure.js'
import type { DocLine } from './tables.js'
import type { ImportWarning } from './types.js'

export interface PlanHeader {
  partnership: string | null
  year: string | null
  title: string | null
  /** Lines used for partnership and title: not reported as skipped. */
  used: Set<number>
}

const HEADER_SCAN_LINES = 80

function countYears(lines: DocLine[]): Map<string, number> {
  const counts = new Map<string, number>()
  const bump = (label: string) => counts.set(label, (counts.get(label) ?? 0) + 1)
  for (const l of lines) {
    if (l.kind === 'blank') continue
    for (const m of l.text.matchAll(FY_TOKEN)) {
      const label = normaliseYear(m[1], m[2])
      if (label) bump(label)
    }
    for (const m of l.text.matchAll(/(?<![\d/])(\d{2})\/(\d{2})(?![\d/])/g)) {
      const a = Number(m[1])
      if ((a + 1) % 100 !== Number(m[2])) continue
      const start = a >= 90 ? 1900 + a : 2000 + a
      const label = normaliseYear(String(start), m[2])
      if (label) bump(label)
    }
  }
  return counts
}

/**
 * Reads partnership, year and title from the lines before the first grid heading. When the
 * header names several years (a template's title left above the real one), the year the whole
 * document mentions most often wins, with a warning.
 */
export function readPlanHeader(lines: DocLine[], firstGridIndex: number, warnings: ImportWarning[]): PlanHeader {
  const used = new Set<number>()
  const end = Math.min(firstGridIndex < 0 ? lines.length : firstGridIndex, HEADER_SCAN_LINES)
  const region = lines.slice(0, end).filter(l => l.kind === 'text')

  const candidates: Array<{ line: DocLine; year: string }> = []
  for (const l of region) {
    const years = yearsIn(l.text)
    if (years.length && (looksLikePlanTitle(l.text) || l.text.length <= 80)) candidates.push({ line: l, year: years[0] })
  }
  if (candidates.length === 0) {
    // Some extractions put a cover page first: look further down for a plan title line.
    for (const l of lines.slice(0, 400)) {
      if (l.kind === 'text' && looksLikePlanTitle(l.text) && !matchGridHeading(l.text)) {
        candidates.push({ line: l, year: yearsIn(l.text)[0] })
        break
      }
    }
  }

  let year: string | null = null
  let titleLine: DocLine | null = null
  const distinct = [...new Set(candidates.map(c => c.year))]
  if (distinct.length === 1) {
    year = distinct[0]
    titleLine = candidates[0].line
  } else if (distinct.length > 1) {
    const counts = countYears(lines)
    year = distinct.reduce((best, y) => ((counts.get(y) ?? 0) > (counts.get(best) ?? 0) ? y : best), distinct[0])
    titleLine = candidates.find(c => c.year === year)!.line
    const named = candidates.map(c => `${c.year} (line ${c.line.line})`).join(', ')
    warnings.push({
      line: titleLine.line,
      message: `the header names several plan years: ${named}; chose ${year}, the year the document mentions most often (${counts.get(year) ?? 0} times)`,
    })
  }
  if (titleLine) used.add(titleLine.line)

  let partnership: string | null = null
  const named = region.find(l => looksLikePartnership(l.text))
  if (named) {
    partnership = named.text.replace(/[\s.:,;]+$/, '')
    used.add(named.line)
  } else {
    const fallback = region.find(l => yearsIn(l.text).length === 0 && l.text.length <= 100 && !matchGridHeading(l.text))
    if (fallback) {
      partnership = fallback.text
      used.add(fallback.line)
      warnings.push({ line: fallback.line, message: `no line names a DAT, DAAT or partnership; took "${fallback.text}" as the partnership` })
    }
  }

  return { partnership, year, title: titleLine ? titleLine.text : null, used }
}
