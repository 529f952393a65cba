// Recognising the structure of a plan from its running-text lines: grid headings, objective
// markers, the headings of a grid's parts (self-assessment, gap analysis, key priorities,
// budget boxes, expected outcomes, delivery plan, progress report) and repeated page headers.
import type { GridNarrativeSection } from '../domain/events.js'
import { DEFAULT_RULES, normaliseWords, type ImportRules } from './profile.js'

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8, ix: 9, x: 10, xi: 11, xii: 12 }

export function numberFromWord(word: string): number | null {
  const w = word.toLowerCase()
  if (/^\d{1,4}$/.test(w)) return Number(w)
  return NUMBER_WORDS[w] ?? ROMAN[w] ?? null
}

export interface GridHeading {
  number: number
  title: string
  /** How the document names its grids, e.g. "Planning grid", "Planning Section". */
  noun: string
  /** Why this line is a grid heading, for the dry run. */
  rule: string
}

const MAX_HEADING = 300
const NUMBER_WORD = '\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|[ivx]{1,4}|[a-z]'
const headingRegexes = new WeakMap<ImportRules, { grid: RegExp; objective: RegExp; page: RegExp | null }>()

function regexesOf(rules: ImportRules): { grid: RegExp; objective: RegExp; page: RegExp | null } {
  let r = headingRegexes.get(rules)
  if (!r) {
    r = {
      page: rules.pageWords ? new RegExp(`^[-–—]?\\s*(?:${rules.pageWords})\\.?\\s*\\d{1,4}(?:\\s*(?:of|/)\\s*\\d{1,4})?\\s*[-–—]?$`, 'i') : null,
      grid: new RegExp(`^(${rules.gridNouns})\\s+(${NUMBER_WORD})(?![\\p{L}\\p{N}])\\s*([:.\\-–—)]?)\\s*(.*)$`, 'iu'),
      objective: new RegExp(`^(${rules.objectiveWords})(?![\\p{L}])\\s*(?:(?:no\\.?|number)\\s*)?(\\d{1,3}(?:\\.\\d{1,3}){0,2}[a-z]?(?![\\p{L}\\p{N}])|[a-z]\\d{1,2}(?:\\.\\d{1,2})?(?![\\p{L}\\p{N}])|[a-z](?![\\p{L}\\p{N}]))?\\.?\\s*([:.\\-–—)]?)\\s*(.*)$`, 'iu'),
    }
    headingRegexes.set(rules, r)
  }
  return r
}

/** A heading's number: digits, a number word, a Roman numeral, or a letter (A = 1). */
function headingNumber(token: string): { number: number; kind: string } | null {
  const w = token.toLowerCase()
  const n = numberFromWord(w)
  if (n !== null) return { number: n, kind: /^\d/.test(w) ? 'digits' : /^[ivx]+$/.test(w) ? 'Roman numeral' : 'number word' }
  if (/^[a-z]$/.test(w)) return { number: w.charCodeAt(0) - 96, kind: 'letter' }
  return null
}

/**
 * The grid a label names: a grid heading ("Section A – Commissioning", "Grid 2") or a bare
 * number, number word, Roman numeral or capital letter ("2", "Two", "II", "B"); null otherwise.
 */
export function gridReference(label: string, rules: ImportRules = DEFAULT_RULES): number | null {
  const t = label.trim().replace(/[.:]$/, '')
  const heading = matchGridHeading(t, rules)
  if (heading) return heading.number
  if (!/^[\p{L}\p{N}]{1,8}$/u.test(t) || (/^[a-z]$/.test(t))) return null
  return headingNumber(t)?.number ?? null
}

/** A cell that is only a grid word ("Section", "Grids", "Planning grid"): the label column of a summary of grids. */
export function isGridWord(text: string, rules: ImportRules = DEFAULT_RULES): boolean {
  if (!rules.gridNouns || text.length > 40) return false
  return new RegExp(`^(?:${rules.gridNouns})s?$`, 'i').test(text.trim())
}

const PROSE_AFTER = /^(of|in|and|or|to|for|from|as|is|was|will|which|the|a|an|on|at|by|with)\b/i

/**
 * "Planning grid 1: Commissioning …", "PLANNING GRID ONE: Tier One …", "SECTION A – COMMISSIONING",
 * "Section 3 – Harm reduction", "Grid 4", "Section 2 Harm reduction". The heading words come
 * from the profile. A one-word noun followed by a title with no separator needs the title to
 * start with a capital, and never a word that continues a sentence ("Section 3 of the guidance").
 */
export function matchGridHeading(text: string, rules: ImportRules = DEFAULT_RULES): GridHeading | null {
  if (text.length > MAX_HEADING || !rules.gridNouns) return null
  const m = regexesOf(rules).grid.exec(text)
  if (!m) return null
  const words = m[1].replace(/\s+/g, ' ').toLowerCase()
  const noun = words.charAt(0).toUpperCase() + words.slice(1)
  const strong = words.includes(' ')
  const token = m[2]
  const sep = m[3]
  const rest = m[4].trim()
  const n = headingNumber(token)
  if (!n) return null
  if (n.kind === 'Roman numeral' && !sep && rest) return null // "Section i" in prose
  if (n.kind === 'letter' && (token !== token.toUpperCase() || (!sep && rest && rest !== rest.toUpperCase()))) return null // "section a good"
  if (sep === '.' && /^\d/.test(rest)) return null // "Section 2.3" is a sub-section reference
  if (!sep && rest && (PROSE_AFTER.test(rest) || (!strong && (!/^\p{Lu}/u.test(rest) || text.length > 120)))) return null
  return {
    number: n.number,
    title: rest.replace(/[:\s]+$/, ''),
    noun,
    rule: `grid heading: "${m[1]}" with a number in ${n.kind} ("${token}")${sep ? ` and "${sep}"` : ''}`,
  }
}

/**
 * A page-number line an extraction left between pages: "Page 3 of 9", "Pg. 4", "- 12 -" (the
 * words from the profile). Never part of the plan.
 */
export function isPageNumberLine(text: string, rules: ImportRules = DEFAULT_RULES): boolean {
  if (text.length > 40) return false
  if (/^[-–—]\s*\d{1,4}\s*[-–—]$/.test(text)) return true
  return regexesOf(rules).page?.test(text) ?? false
}

export interface ObjectiveMarker {
  number: string | null
  text: string
  rule: string
}

/** "Objective 1", "Priority A1: …", "Aim 2.1 – …", "Outcome 3a", "Objective: …" (words from the profile). */
export function matchObjectiveMarker(text: string, rules: ImportRules = DEFAULT_RULES): ObjectiveMarker | null {
  if (text.length > 5000 || !rules.objectiveWords) return null
  const m = regexesOf(rules).objective.exec(text)
  if (!m) return null
  const word = m[1].replace(/\s+/g, ' ').toLowerCase()
  const number = m[2] ? m[2].replace(/\.$/, '') : null
  const sep = m[3]
  const rest = m[4].trim()
  if (!number && (!sep || !rules.objectiveUnnumbered.has(word))) return null // "Objectives met …", "Aim: …"
  if (number && /^[a-z]$/i.test(number) && !sep) return null // "Objective a good …"
  if (number && !sep && rest && !/^[\p{Lu}\d"'‘“(]/u.test(rest)) return null // "Priority 1 areas are …"
  return { number, text: rest, rule: `objective heading: "${m[1]}"${number ? ` numbered "${number}"` : ''}${sep ? ` and "${sep}"` : ''}` }
}

export type SectionHeading =
  | { kind: 'narrative'; section: GridNarrativeSection; rest: string }
  | { kind: 'objectives_list'; rest: string }
  | { kind: 'outcomes'; rest: string }
  | { kind: 'actions'; rest: string }
  | { kind: 'progress'; rest: string }
  | { kind: 'spend'; label: string; rest: string }
  | { kind: 'note'; rest: string }

const SPEND_HEADING = /^(?:box\s*\d{1,2}\s*[:.]?\s*)?((?:planned|likely|actual|projected|forecast|estimated)\s+spend\b[^:£\d]{0,40}(?:\d{4}\s*[/\-–]\s*\d{1,4})?|outturn\b[^:£\d]{0,40}(?:\d{4}\s*[/\-–]\s*\d{1,4})?)\s*[:\-–]?\s*(.*)$/i

/** Headings of a grid's parts. Returns null for ordinary text. */
export function matchSectionHeading(text: string): SectionHeading | null {
  if (text.length > MAX_HEADING) return null
  const t = text.replace(/^box\s*\d{1,2}\s*[:.]?\s*/i, '')
  const rest = (re: RegExp) => t.replace(re, '').replace(/^[\s:.\-–—]+/, '').trim()
  if (t.length <= 160 && /^(?:summary\s+of\s+)?(?:the\s+)?self[\s-]*assessment\b/i.test(t)) {
    return { kind: 'narrative', section: 'self_assessment', rest: '' }
  }
  if (/^(?:key\s+)?gaps?(?:\s+analysis)?\s*:?$/i.test(t) || /^gap\s+analysis\b/i.test(t)) {
    return { kind: 'narrative', section: 'gap_analysis', rest: rest(/^gaps?(?:\s+analysis)?/i) }
  }
  if (/^(?:identification\s+of\s+)?key\s+priorities\b/i.test(t) || /^priorities\s*:?$/i.test(t)) {
    return { kind: 'narrative', section: 'key_priorities', rest: '' }
  }
  if (/^guidance\b\s*:?/i.test(t) && t.length < 60) return { kind: 'narrative', section: 'guidance', rest: rest(/^guidance/i) }
  if (/^(?:key\s+)?objectives\b(?:\s+for\b[^:]{0,40})?\s*:?\s*$/i.test(t)) return { kind: 'objectives_list', rest: '' }
  if (/^expected\s+outcomes?\b/i.test(t)) {
    return { kind: 'outcomes', rest: rest(/^expected\s+outcomes?\b(?:\s*(?:for\s+)?\d{4}\s*[/\-–]\s*\d{1,4})?/i) }
  }
  if (/^(?:delivery\s+plan|action\s+plan|actions?\s*(?:and|&)\s*milestones)\s*:?\s*$/i.test(t)) return { kind: 'actions', rest: '' }
  if (/^(?:quarterly\s+)?progress\s+report\b|^(?:other\s+)?comments\s*(?:\/|and|&)?\s*updates?\b|^updates?\s*:?\s*$|^progress\s+(?:to\s+date|update)\s*:?\s*$/i.test(t)) {
    return { kind: 'progress', rest: '' }
  }
  if (/^note\s*:/i.test(t)) return { kind: 'note', rest: t }
  const spend = SPEND_HEADING.exec(t)
  if (spend) return { kind: 'spend', label: spend[1].trim(), rest: spend[2].trim() }
  return null
}

/** A financial year written in the text: "2006/07", "2006/7", "2006-07", "2017-18", "2017/2018". */
export const FY_TOKEN = /\b((?:19|20)\d{2})\s?[/\-–]\s?(\d{4}|\d{2}|\d)\b/g

/** The normalised "YYYY/YY" label of a year token, or null when the two parts are not consecutive years. */
export function normaliseYear(start: string, end: string): string | null {
  const y = Number(start)
  const next = y + 1
  const ok = end.length === 4 ? Number(end) === next : end.length === 2 ? Number(end) === next % 100 : Number(end) === next % 10
  if (!ok) return null
  return `${y}/${String(next % 100).padStart(2, '0')}`
}

/** Every financial-year label in a line, in order. */
export function yearsIn(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(FY_TOKEN)) {
    const label = normaliseYear(m[1], m[2])
    if (label) found.push(label)
  }
  return found
}

/** A short line naming a partnership: "Ealing DAAT", "ANYSHIRE DRUG & ALCOHOL ACTION TEAM" (endings from the profile). */
export function looksLikePartnership(text: string, rules: ImportRules = DEFAULT_RULES): boolean {
  return partnershipEnding(text, rules) !== null
}

/** The profile's ending a partnership line closes with, or null when the line names none. */
export function partnershipEnding(text: string, rules: ImportRules = DEFAULT_RULES): string | null {
  if (text.length > 100) return null
  const t = text.replace(/[\s.:,;]+$/, '')
  if (!/^\p{Lu}/u.test(t)) return null
  const words = normaliseWords(t)
  if (words.length > 10) return null
  return rules.partnershipEnding(words)
}

/** A short line naming the plan and its year: "Treatment Plan 2003/04", "Adult drug treatment plan 2006/07 …". */
export function looksLikePlanTitle(text: string): boolean {
  if (text.length > 160) return false
  if (!/\b(?:plan|planning|strategy)\b/i.test(text)) return false
  return yearsIn(text).length > 0
}
