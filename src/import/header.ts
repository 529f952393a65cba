// The document header: which partnership, which plan year, what the plan calls itself, when it
// was published. Lines a person reads as label and value ("Partnership name: Croydon", "Date
// published: 1 October 2007", "Title: …", or a two-cell row) are read through the profile's
// labels, loosely (any of its words, any separator), and win over what is guessed from the lines.
import { looksLikePartnership, looksLikePlanTitle, matchGridHeading, partnershipEnding, yearsIn, FY_TOKEN, normaliseYear } from './gridStructure.js'
import { DEFAULT_RULES, type HeaderField, type ImportRules } from './profile.js'
import { parsePublishedDate } from './publishedDate.js'
import { rowTexts, type DocLine } from './tables.js'
import type { ImportWarning, Recognition } from './types.js'

export interface PlanHeader {
  partnership: string | null
  year: string | null
  title: string | null
  /** YYYY-MM-DD, from a labelled publication date. */
  published: string | null
  /** Lines used for partnership and title: not reported as skipped. */
  used: Set<number>
  /** Which line gave the partnership, year, title and publication date, and by which rule: for the dry run. */
  recognised: Recognition[]
}

const HEADER_SCAN_LINES = 80

/** "Label: value", "Label – value", "Label = value", "Label .... value", "Label | value": a short label of words, then its value. */
export const LABEL_LINE = /^(\p{L}[\p{L}\s&'’/()]{0,58}?)\s*(?::|=|\|\s|\s[-–—]\s|[–—]|\.{2,}|\s{3,})\s*(\S.{0,300})$/u

interface Labelled {
  line: DocLine
  field: HeaderField
  value: string
  phrase: string
}

/** A header line read as label and value, when its label is one the profile knows. */
function labelledLine(l: DocLine, rules: ImportRules): Labelled | null {
  let label: string
  let value: string
  if (l.kind === 'row') {
    const texts = rowTexts(l).filter(Boolean)
    if (texts.length !== 2 || texts[0].length > 60) return null
    label = texts[0].replace(/[\s:=.\-–—]+$/, '')
    value = texts[1]
  } else if (l.kind === 'text') {
    const m = LABEL_LINE.exec(l.text)
    if (!m) return null
    label = m[1]
    value = m[2]
  } else return null
  const found = rules.headerLabel(label)
  value = value.trim().replace(/[\s.:,;]+$/, '')
  if (!found || !value) return null
  return { line: l, field: found.field, value, phrase: found.phrase }
}

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
export function readPlanHeader(lines: DocLine[], firstGridIndex: number, warnings: ImportWarning[], rules: ImportRules = DEFAULT_RULES): PlanHeader {
  const used = new Set<number>()
  const end = Math.min(firstGridIndex < 0 ? lines.length : firstGridIndex, HEADER_SCAN_LINES)
  const labels = new Map<HeaderField, Labelled>()
  for (const l of lines.slice(0, end)) {
    const found = labelledLine(l, rules)
    if (!found || labels.has(found.field)) continue
    if (found.field === 'published' && !parsePublishedDate(found.value)) {
      warnings.push({ line: l.line, message: `"${found.value}" under the label "${found.phrase}" is not a date such as "1 October 2007"; the publication date is not recorded` })
      continue
    }
    labels.set(found.field, found)
    used.add(l.line)
  }
  const region = lines.slice(0, end).filter(l => l.kind === 'text' && !used.has(l.line))

  const candidates: Array<{ line: DocLine; year: string }> = []
  for (const l of region) {
    const years = yearsIn(l.text)
    if (years.length && (looksLikePlanTitle(l.text, rules) || l.text.length <= 80)) candidates.push({ line: l, year: years[0] })
  }
  if (candidates.length === 0) {
    // Some extractions put a cover page first: look further down for a plan title line.
    for (const l of lines.slice(0, 400)) {
      if (l.kind === 'text' && looksLikePlanTitle(l.text, rules) && !matchGridHeading(l.text, rules)) {
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
  if (!year) {
    // A labelled title may be the only line naming the year.
    const fromLabel = labels.get('title')?.value
    year = fromLabel ? (yearsIn(fromLabel)[0] ?? null) : null
  }

  const recognised: Recognition[] = []
  const labelRule = (f: Labelled) => `a "label: value" line whose label is the profile's "${f.phrase}"`
  if (year) {
    const from = labels.get('title')
    const rule = titleLine
      ? `financial year "${year}" in the line naming the plan${distinct.length > 1 ? `, the year the document mentions most often of ${distinct.join(', ')}` : ''}`
      : `financial year "${year}" in the plan title, ${labelRule(from!)}`
    recognised.push({ line: titleLine?.line ?? from!.line.line, element: 'year', rule })
  }

  let partnership: string | null = null
  const named = region.find(l => looksLikePartnership(l.text, rules))
  const labelledPartnership = labels.get('partnership')
  if (labelledPartnership) {
    partnership = labelledPartnership.value
    recognised.push({ line: labelledPartnership.line.line, element: 'partnership', rule: labelRule(labelledPartnership) })
  } else if (named) {
    partnership = named.text.replace(/[\s.:,;]+$/, '')
    used.add(named.line)
    recognised.push({ line: named.line, element: 'partnership', rule: `a short line before the first grid heading ending in the profile's partnership ending "${partnershipEnding(named.text, rules)}"` })
  } else {
    const fallback = region.find(l => yearsIn(l.text).length === 0 && l.text.length <= 100 && !matchGridHeading(l.text, rules))
    if (fallback) {
      partnership = fallback.text
      used.add(fallback.line)
      warnings.push({ line: fallback.line, message: `no line names a DAT, DAAT or partnership; took "${fallback.text}" as the partnership` })
      recognised.push({ line: fallback.line, element: 'partnership', rule: 'the first short line before the first grid heading naming no year (no line ends in a partnership ending of the profile)' })
    }
  }

  const labelledTitle = labels.get('title')
  if (labelledTitle) recognised.push({ line: labelledTitle.line.line, element: 'title', rule: labelRule(labelledTitle) })
  else if (titleLine) recognised.push({ line: titleLine.line, element: 'title', rule: 'the line naming the plan and its year' })
  const published = labels.get('published')
  if (published) recognised.push({ line: published.line.line, element: 'published', rule: `${labelRule(published)}, a date` })
  return {
    partnership,
    year,
    title: labels.get('title')?.value ?? (titleLine ? titleLine.text : null),
    published: published ? parsePublishedDate(published.value) : null,
    used,
    recognised,
  }
}
