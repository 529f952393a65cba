// Recognising the structure of a plan from its running-text lines: grid headings, objective
// markers, the headings of a grid's parts (self-assessment, gap analysis, key priorities,
// budget boxes, expected outcomes, delivery plan, progress report) and repeated page headers.
import type { GridNarrativeSection } from '../domain/events.js'
import { boxPrefix, byAnchor, DEFAULT_RULES, normaliseWords, perRules, wordsPattern, type ImportRules } from './profile.js'
import { SECTION_KINDS, type SectionKind } from './profiles/schema.js'

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8, ix: 9, x: 10, xi: 11, xii: 12 }

/** A heading's number written as digits, a number word (headings.numberWords) or a Roman numeral. */
export function numberFromWord(word: string, rules: ImportRules = DEFAULT_RULES): number | null {
  const w = word.toLowerCase()
  if (/^\d{1,4}$/.test(w)) return Number(w)
  return rules.numberWord(w) ?? ROMAN[w] ?? null
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

interface HeadingRegexes {
  grid: RegExp
  objective: RegExp
  page: RegExp | null
  gridWord: RegExp
  /** A grid word and a number or letter anywhere in a text: the fast refusal's test. */
  gridWordAnywhere: RegExp
  /** "Section A:" inside a line: a line that names a grid is no page header. */
  gridWithColon: RegExp
  /** "Section 3 of the guidance": words that continue a sentence after a heading's number. */
  continuesSentence: RegExp
  titleWords: RegExp
}

const headingRegexes = perRules<HeadingRegexes>(rules => {
  const h = rules.profile.headings
  const number = `\\d{1,3}|${wordsPattern(Object.keys(h.numberWords))}|[ivx]{1,4}|[a-z]`
  return {
    page: rules.pageWords ? new RegExp(`^[-–—]?\\s*(?:${rules.pageWords})\\.?\\s*\\d{1,4}(?:\\s*(?:${wordsPattern(h.pageOf)}|/)\\s*\\d{1,4})?\\s*[-–—]?$`, 'iu') : null,
    grid: new RegExp(`^(${rules.gridNouns})\\s+(${number})(?![\\p{L}\\p{N}])\\s*([:.\\-–—)]?)\\s*(.*)$`, 'iu'),
    objective: new RegExp(`^(${rules.objectiveWords})(?![\\p{L}])\\s*(?:(?:${wordsPattern(h.numberPrefix)})\\.?\\s*)?(\\d{1,3}(?:\\.\\d{1,3}){0,2}[a-z]?(?![\\p{L}\\p{N}])|[a-z]\\d{1,2}(?:\\.\\d{1,2})?(?![\\p{L}\\p{N}])|[a-z](?![\\p{L}\\p{N}]))?\\.?\\s*([:.\\-–—)]?)\\s*(.*)$`, 'iu'),
    gridWord: new RegExp(`^(?:${rules.gridNouns})s?$`, 'iu'),
    gridWordAnywhere: new RegExp(`(?:${rules.gridNouns})\\s+(?:\\d|[a-z])`, 'iu'),
    gridWithColon: new RegExp(`\\b(?:${rules.gridNouns})\\s+\\w+\\s*:`, 'iu'),
    continuesSentence: new RegExp(`^(?:${wordsPattern(h.continuesSentence)})\\b`, 'iu'),
    titleWords: new RegExp(`\\b(?:${wordsPattern(rules.profile.header.titleWords)})\\b`, 'iu'),
  }
})

/** A heading's number: digits, a number word, a Roman numeral, or a letter (A = 1). */
function headingNumber(token: string, rules: ImportRules): { number: number; kind: string } | null {
  const w = token.toLowerCase()
  const n = numberFromWord(w, rules)
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
  return headingNumber(t, rules)?.number ?? null
}

/** A cell that is only a grid word ("Section", "Grids", "Planning grid"): the label column of a summary of grids. */
export function isGridWord(text: string, rules: ImportRules = DEFAULT_RULES): boolean {
  if (text.length > 40) return false
  return headingRegexes(rules).gridWord.test(text.trim())
}

/** True when a grid word followed by a number or letter occurs anywhere in the text (one linear scan). */
export function mayHoldGridHeading(text: string, rules: ImportRules = DEFAULT_RULES): boolean {
  return headingRegexes(rules).gridWordAnywhere.test(text)
}

/** True when a line names a grid with a colon ("… Section 2: …"). */
export function namesGridWithColon(text: string, rules: ImportRules = DEFAULT_RULES): boolean {
  return headingRegexes(rules).gridWithColon.test(text)
}

/**
 * "Planning grid 1: Commissioning …", "PLANNING GRID ONE: Tier One …", "SECTION A – COMMISSIONING",
 * "Section 3 – Harm reduction", "Grid 4", "Section 2 Harm reduction". The heading words come
 * from the profile. A one-word noun followed by a title with no separator needs the title to
 * start with a capital, and never a word that continues a sentence ("Section 3 of the guidance").
 */
export function matchGridHeading(text: string, rules: ImportRules = DEFAULT_RULES): GridHeading | null {
  if (text.length > MAX_HEADING) return null
  const regexes = headingRegexes(rules)
  const m = regexes.grid.exec(text)
  if (!m) return null
  const words = m[1].replace(/\s+/g, ' ').toLowerCase()
  const noun = words.charAt(0).toUpperCase() + words.slice(1)
  const strong = words.includes(' ')
  const token = m[2]
  const sep = m[3]
  const rest = m[4].trim()
  const n = headingNumber(token, rules)
  if (!n) return null
  if (n.kind === 'Roman numeral' && !sep && rest) return null // "Section i" in prose
  if (n.kind === 'letter' && (token !== token.toUpperCase() || (!sep && rest && rest !== rest.toUpperCase()))) return null // "section a good"
  if (sep === '.' && /^\d/.test(rest)) return null // "Section 2.3" is a sub-section reference
  if (!sep && rest && (regexes.continuesSentence.test(rest) || (!strong && (!/^\p{Lu}/u.test(rest) || text.length > 120)))) return null
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
  return headingRegexes(rules).page?.test(text) ?? false
}

export interface ObjectiveMarker {
  number: string | null
  text: string
  rule: string
}

/** "Objective 1", "Priority A1: …", "Aim 2.1 – …", "Outcome 3a", "Objective: …" (words from the profile). */
export function matchObjectiveMarker(text: string, rules: ImportRules = DEFAULT_RULES): ObjectiveMarker | null {
  if (text.length > 5000) return null
  const m = headingRegexes(rules).objective.exec(text)
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

/** A financial year as a heading may name it: "2006/07", "2017-18". */
const YEAR = '\\d{4}\\s*[/\\-–]\\s*\\d{1,4}'

type TextSection = Exclude<SectionKind, 'spend' | 'for'>
type SectionMatcher = { leading: RegExp; alone: RegExp }

interface SectionRegexes {
  kinds: Record<TextSection, SectionMatcher>
  /** "for 2017-18" after an outcomes heading: not part of its first outcome. */
  outcomesYear: RegExp
  spend: RegExp
}

const sectionRegexes = perRules<SectionRegexes>(rules => {
  const words = rules.profile.sections
  const forWords = wordsPattern(words.for)
  const matcher = (kind: TextSection): SectionMatcher => {
    const { alone, leading } = byAnchor(words[kind])
    // Objectives lists and delivery plans head what follows alone on their line (an objectives
    // list may say what it is for: "Objectives for 2003/04").
    const onlyAlone = kind === 'objectivesList' || kind === 'actions'
    const qualifier = kind === 'objectivesList' ? `(?:\\s+(?:${forWords})\\b[^:]{0,40})?` : ''
    return {
      leading: new RegExp(`^(?:${wordsPattern(onlyAlone ? [] : leading)})(?![\\p{L}\\p{N}])`, 'iu'),
      alone: new RegExp(`^(?:${wordsPattern(onlyAlone ? [...alone, ...leading] : alone)})${qualifier}\\s*:?\\s*$`, 'iu'),
    }
  }
  const kinds = Object.fromEntries(SECTION_KINDS.filter((k): k is TextSection => k !== 'spend').map(k => [k, matcher(k)])) as SectionRegexes['kinds']
  return {
    kinds,
    outcomesYear: new RegExp(`^\\s*(?:(?:${forWords})\\s+)?${YEAR}`, 'iu'),
    spend: new RegExp(`^((?:${wordsPattern(words.spend)})\\b[^:£\\d]{0,40}(?:${YEAR})?)\\s*[:\\-–]?\\s*(.*)$`, 'iu'),
  }
})

/** Headings of a grid's parts, by the profile's sections words. Returns null for ordinary text. */
export function matchSectionHeading(text: string, rules: ImportRules = DEFAULT_RULES): SectionHeading | null {
  if (text.length > MAX_HEADING) return null
  const t = text.replace(boxPrefix(rules), '')
  const { kinds, outcomesYear, spend } = sectionRegexes(rules)
  /** The text after the kind's words when they start the line ('' when they stand alone on it), or null. */
  const after = (kind: TextSection): string | null => {
    if (kinds[kind].alone.test(t)) return ''
    const m = kinds[kind].leading.exec(t)
    return m ? t.slice(m[0].length).replace(/^[\s:.\-–—]+/, '').trim() : null
  }
  if (t.length <= 160 && after('selfAssessment') !== null) return { kind: 'narrative', section: 'self_assessment', rest: '' }
  const gap = after('gapAnalysis')
  if (gap !== null) return { kind: 'narrative', section: 'gap_analysis', rest: gap }
  if (after('keyPriorities') !== null) return { kind: 'narrative', section: 'key_priorities', rest: '' }
  const guidance = t.length < 60 ? after('guidance') : null
  if (guidance !== null) return { kind: 'narrative', section: 'guidance', rest: guidance }
  if (kinds.objectivesList.alone.test(t)) return { kind: 'objectives_list', rest: '' }
  if (kinds.outcomes.alone.test(t)) return { kind: 'outcomes', rest: '' }
  const outcomes = kinds.outcomes.leading.exec(t)
  if (outcomes) return { kind: 'outcomes', rest: t.slice(outcomes[0].length).replace(outcomesYear, '').replace(/^[\s:.\-–—]+/, '').trim() }
  if (kinds.actions.alone.test(t)) return { kind: 'actions', rest: '' }
  if (after('progress') !== null) return { kind: 'progress', rest: '' }
  const note = kinds.note.leading.exec(t)
  if (note && /^\s*:/.test(t.slice(note[0].length))) return { kind: 'note', rest: t }
  const m = spend.exec(t)
  if (m) return { kind: 'spend', label: m[1].trim(), rest: m[2].trim() }
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
export function looksLikePlanTitle(text: string, rules: ImportRules = DEFAULT_RULES): boolean {
  if (text.length > 160) return false
  if (!headingRegexes(rules).titleWords.test(text)) return false
  return yearsIn(text).length > 0
}
