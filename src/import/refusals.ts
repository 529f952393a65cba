// Why a document is refused, said so that a person can act on it: what was missing, and the
// import profile setting that would help (its key and a value, taken from the document itself
// when the document shows one). Refusals a profile cannot help (an empty or binary file) say
// what would help instead.
import { matchGridHeading, matchObjectiveMarker, yearsIn } from './gridStructure.js'
import { LABEL_LINE } from './header.js'
import { normaliseWords, type ImportProfile, type ImportRules } from './profile.js'
import { rowTexts, type DocLine } from './tables.js'

/** A refusal: the reason a person reads, and the profile that would help, when one would. */
export interface Refusal {
  reason: string
  suggestedProfile?: ImportProfile
}

/** JSON on one line with a space after ":" and ",", as a person writes it in a profile file. */
export function profileJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(profileJson).join(', ')}]`
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${profileJson(v)}`).join(', ')}}`
  return JSON.stringify(value)
}

function quoted(words: string[], most = 6): string {
  const shown = words.slice(0, most).map(w => `"${w}"`).join(', ')
  return words.length > most ? `${shown} …` : shown
}

function short(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

const EXAMPLE_GRID_WORD = 'theme'
const EXAMPLE_YEAR_LABEL = 'plan year'

/** A line's text as the structure sees it: a text line, or a row holding a single cell. */
function lineText(l: DocLine): string {
  if (l.kind === 'text') return l.text
  if (l.kind === 'row') {
    const cells = rowTexts(l).filter(Boolean)
    return cells.length === 1 ? cells[0] : ''
  }
  return ''
}

/** Any one or two words before a heading number: what a heading would be if its word were the profile's. */
const ANY_NOUN = "\\p{L}[\\p{L}'’]*(?:[ \\t]+\\p{L}[\\p{L}'’]*)?"

/**
 * The word this document heads its grids with, when its lines show one the profile lacks:
 * lines read as grid headings would be if any word were a grid word ("Theme 1: …",
 * "Theme 2: …"), objective headings left aside, the word heading the most distinct numbers
 * (at least two, or the only such word).
 */
function documentGridWord(lines: DocLine[], rules: ImportRules): { word: string; examples: string[] } | null {
  const anyWord: ImportRules = { ...rules, gridNouns: ANY_NOUN }
  const found = new Map<string, { numbers: Set<number>; examples: string[] }>()
  for (const l of lines) {
    const text = lineText(l).trim()
    if (!text || matchObjectiveMarker(text, rules)) continue
    const h = matchGridHeading(text, anyWord)
    if (!h || !/^\p{Lu}/u.test(text)) continue
    const word = h.noun.toLowerCase()
    const seen = found.get(word) ?? { numbers: new Set<number>(), examples: [] }
    seen.numbers.add(h.number)
    if (seen.examples.length < 2) seen.examples.push(short(text))
    found.set(word, seen)
  }
  const ranked = [...found].sort((a, b) => b[1].numbers.size - a[1].numbers.size)
  if (ranked.length === 0) return null
  const [word, { numbers, examples }] = ranked[0]
  if (numbers.size < 2 && ranked.length > 1) return null
  return { word, examples }
}

/** No line is a grid heading by the profile's words. */
export function noGridHeading(lines: DocLine[], rules: ImportRules): Refusal {
  const words = rules.profile.headings?.grid ?? []
  const own = documentGridWord(lines, rules)
  const word = own?.word ?? EXAMPLE_GRID_WORD
  const suggestedProfile: ImportProfile = { headings: { grid: [word] } }
  const why = own
    ? `lines such as ${quoted(own.examples)} look like grid headings under the word "${word}", which the profile does not know`
    : 'if this document heads its grids with another word, name it'
  return {
    reason:
      `no recognisable planning grid: no line is a heading such as "Planning grid 1: …", "SECTION A – …" or "Grid 3" under the import profile's grid words (${quoted(words)})` +
      `; ${why}: an import profile setting that would help: ${profileJson(suggestedProfile)}`,
    suggestedProfile,
  }
}

/**
 * The label of a header line holding a year the header did not take: a two-cell row
 * ("Plan year | 2011/12") or a long "Label: value" line.
 */
function yearLabel(lines: DocLine[]): { label: string; text: string } | null {
  for (const l of lines) {
    if (l.kind === 'row') {
      const cells = rowTexts(l).filter(Boolean)
      if (cells.length === 2 && yearsIn(cells[1]).length && !yearsIn(cells[0]).length && cells[0].length <= 60) {
        return { label: normaliseWords(cells[0]).join(' '), text: cells.join(' | ') }
      }
    } else if (l.kind === 'text') {
      const m = LABEL_LINE.exec(l.text)
      if (m && yearsIn(m[2]).length && !yearsIn(m[1]).length) return { label: normaliseWords(m[1]).join(' '), text: l.text }
    }
  }
  return null
}

/** The header (the lines before the first grid heading, or the whole document without one) names no financial year. */
export function noYear(lines: DocLine[], firstGridIndex: number): Refusal {
  const header = firstGridIndex < 0 ? lines : lines.slice(0, firstGridIndex)
  const missing = 'no plan year: the header names no financial year such as "Adult drug treatment plan 2006/07" or "Treatment Plan 2017-18"'
  const labelled = yearLabel(header)
  if (labelled && labelled.label) {
    const suggestedProfile: ImportProfile = { header: { title: [labelled.label] } }
    return {
      reason: `${missing}; the line "${short(labelled.text)}" gives one under the label "${labelled.label}", which the profile does not know: an import profile setting that would help: ${profileJson(suggestedProfile)}`,
      suggestedProfile,
    }
  }
  const later = firstGridIndex < 0 ? undefined : lines.slice(firstGridIndex).find(l => l.kind !== 'blank' && yearsIn(l.text).length)
  const where = later
    ? `; the first year the document names ("${short(later.text)}") comes after the first grid heading, where no header is read: put it in the header`
    : '; the document names none anywhere: add one to its title line'
  const suggestedProfile: ImportProfile = { header: { title: [EXAMPLE_YEAR_LABEL] } }
  return {
    reason: `${missing}${where}; or, when the year is on a header line with a label of its own such as "Plan year: 2010/11", name the label in an import profile: ${profileJson(suggestedProfile)}`,
    suggestedProfile,
  }
}

/** Grid headings were found, yet no grid could be read from them. */
export function noGridRead(rules: ImportRules): Refusal {
  const suggestedProfile: ImportProfile = { headings: { objective: ['commitment'] }, columns: { action: ['task'] } }
  return {
    reason:
      `no planning grid could be read under the grid headings found (objective words: ${quoted(rules.profile.headings?.objective ?? [])})` +
      `; if its objectives and action tables use words of their own, name them: an import profile setting that would help: ${profileJson(suggestedProfile)}`,
    suggestedProfile,
  }
}

/** Several problems as one refusal: the reasons in order, and one profile holding every suggested setting. */
export function together(problems: Refusal[]): Refusal {
  const profile: Record<string, Record<string, string[]>> = {}
  for (const p of problems) {
    for (const [key, inner] of Object.entries(p.suggestedProfile ?? {}) as Array<[string, Record<string, string[]>]>) {
      profile[key] = { ...profile[key], ...inner }
    }
  }
  return { reason: problems.map(p => p.reason).join('; '), ...(Object.keys(profile).length ? { suggestedProfile: profile as ImportProfile } : {}) }
}
