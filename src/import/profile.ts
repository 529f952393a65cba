// Import profiles: the words a partnership's plans use for their structure (heading words,
// column synonyms, tables that hold no actions). The built-in profile is profiles/default.ts;
// a user's profile (a small JSON file) adds its words to it. Compiled once into the matchers
// the reader uses.
import { DEFAULT_PROFILE } from './profiles/default.js'
import { COLUMN_ROLES, type ImportProfile, type KnownColumn } from './profiles/schema.js'

export { COLUMN_ROLES, ImportProfileSchema, parseProfile, type ImportProfile, type KnownColumn } from './profiles/schema.js'

// ---- phrases --------------------------------------------------------------------------------

/** Lower case, letters and digits only, single spaces: "Costs/budget" → "costs budget". */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
}

interface Phrase {
  source: string
  words: string[]
  atStart: boolean
  atEnd: boolean
}

function phrase(source: string): Phrase {
  const s = source.trim()
  return { source: s, words: normaliseWords(s.replace(/^\^|\$$/g, '')), atStart: s.startsWith('^'), atEnd: s.endsWith('$') }
}

function wordMatches(word: string, pattern: string): boolean {
  // A one-letter pattern ("r a g") must match the whole word; longer ones match its start.
  return pattern.length === 1 ? word === pattern : word.startsWith(pattern)
}

/** The first phrase found in the words, or null. */
function findPhrase(words: string[], phrases: Phrase[]): Phrase | null {
  for (const p of phrases) {
    const n = p.words.length
    if (n === 0 || n > words.length) continue
    const to = p.atStart ? 0 : words.length - n
    for (let i = 0; i <= to; i++) {
      if (p.atEnd && i + n !== words.length) continue
      let ok = true
      // The word before "$" is whole: "^no$" is "No", not "Notes".
      for (let k = 0; k < n && ok; k++) ok = p.atEnd && k === n - 1 ? words[i + k] === p.words[k] : wordMatches(words[i + k], p.words[k])
      if (ok) return p
    }
  }
  return null
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Words as a regex alternation, longest first, spaces matching any run of blanks. */
function alternation(words: string[]): string {
  return [...new Set(words.map(w => w.trim().toLowerCase()).filter(Boolean))]
    .sort((a, b) => b.length - a.length)
    .map(w => escapeRegExp(w).replace(/\s+/g, '\\s+'))
    .join('|')
}

// ---- compiled rules ---------------------------------------------------------------------------

export interface ImportRules {
  profile: ImportProfile
  /** Alternation of grid heading nouns ("planning\\s+grid|section|…"). */
  gridNouns: string
  /** Alternation of objective heading words. */
  objectiveWords: string
  /** Objective words that may head an objective without a number ("Objective: …"), lower case. */
  objectiveUnnumbered: Set<string>
  /** Alternation of the words of page-number lines ("page|pg"). */
  pageWords: string
  /** The column a header cell names, and the profile phrase that said so. */
  columnOf(cell: string): { role: KnownColumn; phrase: string } | null
  /** The partnership ending a line's words close with ("action team"), or null. */
  partnershipEnding(words: string[]): string | null
  /** What a header label names ("Partnership name" → partnership), and the profile phrase that said so; null for other labels. */
  headerLabel(label: string): { field: HeaderField; phrase: string } | null
  /** What kind of non-action table a header row names, and the phrase that said so. */
  tableKindOf(cells: string[]): { kind: 'budget' | 'selfAssessment' | 'contacts' | 'skip'; phrase: string } | null
}

export type HeaderField = 'partnership' | 'published' | 'title'

/** Words a label may hold besides its phrase's: "Name of the partnership" is "partnership" for a label. */
const LABEL_FILLER = new Set(['of', 'the', 'a', 'an', 'on', 'for', 'this', 'our', 'name', 'date'])

/**
 * Loose label matching: every word of the phrase is among the label's words (in any order, a
 * word matching its start), and the label's other words are few or filler. "Partnership name",
 * "Name of the partnership", "PARTNERSHIP" all match "partnership"; "Partnership board members" does not.
 */
function labelMatches(labelWords: string[], phraseWords: string[]): boolean {
  if (phraseWords.length === 0) return false
  const rest = [...labelWords]
  for (const p of phraseWords) {
    const i = rest.findIndex(w => wordMatches(w, p))
    if (i < 0) return false
    rest.splice(i, 1)
  }
  return rest.filter(w => !LABEL_FILLER.has(w)).length === 0
}

function merge(base: ImportProfile, extra: ImportProfile | undefined): ImportProfile {
  if (!extra) return base
  const cat = (a: string[] | undefined, b: string[] | undefined) => [...(b ?? []), ...(a ?? [])]
  const columns: Record<string, string[]> = {}
  for (const role of COLUMN_ROLES) columns[role] = cat(base.columns?.[role], extra.columns?.[role])
  return {
    name: extra.name ?? base.name,
    headings: {
      grid: cat(base.headings?.grid, extra.headings?.grid),
      objective: cat(base.headings?.objective, extra.headings?.objective),
      objectiveUnnumbered: cat(base.headings?.objectiveUnnumbered, extra.headings?.objectiveUnnumbered),
      page: cat(base.headings?.page, extra.headings?.page),
    },
    columns,
    partnership: { endings: cat(base.partnership?.endings, extra.partnership?.endings), labels: cat(base.partnership?.labels, extra.partnership?.labels) },
    header: { published: cat(base.header?.published, extra.header?.published), title: cat(base.header?.title, extra.header?.title) },
    tables: {
      budget: cat(base.tables?.budget, extra.tables?.budget),
      selfAssessment: cat(base.tables?.selfAssessment, extra.tables?.selfAssessment),
      contacts: cat(base.tables?.contacts, extra.tables?.contacts),
      skip: cat(base.tables?.skip, extra.tables?.skip),
    },
  }
}

/** The built-in profile with a user's profile's words added (theirs tried first). */
export function compileRules(extra?: ImportProfile): ImportRules {
  const profile = merge(DEFAULT_PROFILE, extra)
  const columns = COLUMN_ROLES.map(role => ({ role, phrases: (profile.columns?.[role] ?? []).map(phrase) }))
  const endings = (profile.partnership?.endings ?? []).map(e => phrase(`${e}$`))
  const headerLabels = ([
    ['partnership', profile.partnership?.labels],
    ['title', profile.header?.title],
    ['published', profile.header?.published],
  ] as const).flatMap(([field, words]) => (words ?? []).map(w => ({ field, phrase: w, words: normaliseWords(w) })))
  const tables = (['skip', 'contacts', 'selfAssessment', 'budget'] as const).map(kind => ({ kind, phrases: (profile.tables?.[kind] ?? []).map(phrase) }))
  return {
    profile,
    gridNouns: alternation(profile.headings?.grid ?? []),
    objectiveWords: alternation(profile.headings?.objective ?? []),
    objectiveUnnumbered: new Set((profile.headings?.objectiveUnnumbered ?? []).map(w => w.trim().toLowerCase())),
    pageWords: alternation(profile.headings?.page ?? []),
    columnOf(cell) {
      const c = cell.replace(/^box\s*\d{1,2}\s*[:.]?\s*/i, '')
      if (!c || c.length > 120) return null
      const words = normaliseWords(c)
      for (const { role, phrases } of columns) {
        const p = findPhrase(words, phrases)
        if (p) return { role, phrase: p.source }
      }
      return null
    },
    partnershipEnding(words) {
      return findPhrase(words, endings)?.source.replace(/\$$/, '') ?? null
    },
    headerLabel(label) {
      const words = normaliseWords(label)
      if (words.length === 0 || words.length > 6) return null
      // Exact phrases first ("date published" before "published"), then loose matches.
      const key = words.join(' ')
      const found = headerLabels.find(l => l.words.join(' ') === key) ?? headerLabels.find(l => labelMatches(words, l.words))
      return found ? { field: found.field, phrase: found.phrase } : null
    },
    tableKindOf(cells) {
      for (const { kind, phrases } of tables) {
        for (const cell of cells) {
          const p = findPhrase(normaliseWords(cell), phrases)
          if (p) return { kind, phrase: p.source }
        }
      }
      return null
    },
  }
}

export const DEFAULT_RULES: ImportRules = compileRules()
