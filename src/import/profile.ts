// Import profiles: the words a partnership's plans use for their structure (heading words,
// column synonyms, tables that hold no actions). The built-in profile is profiles/default.ts;
// a user's profile (a small JSON file) adds its words to it. Compiled once into the matchers
// the reader uses.
import { DEFAULT_PROFILE } from './profiles/default.js'
import { COLUMN_ROLES, type FullProfile, type ImportProfile, type KnownColumn } from './profiles/schema.js'

export { COLUMN_ROLES, ImportProfileSchema, parseProfile, type FullProfile, type ImportProfile, type KnownColumn } from './profiles/schema.js'

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

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Whole words as a regex alternation (no groups), longest first: a phrase's words with any
 * spaces or punctuation between them ("self assessment" matches "Self-assessment"). An empty
 * list matches nothing. Needs the "u" flag.
 */
export function wordsPattern(words: readonly string[]): string {
  const alternatives = [...new Set(words.map(w => normaliseWords(w).map(escapeRegExp).join('[^\\p{L}\\p{N}]*')).filter(Boolean))].sort((a, b) => b.length - a.length)
  return alternatives.length ? alternatives.join('|') : '(?!)'
}

/** A list's phrases ending in "$" (alone on their line) and the others. */
export function byAnchor(words: readonly string[]): { alone: string[]; leading: string[] } {
  const alone = words.filter(w => w.trim().endsWith('$')).map(w => w.trim().slice(0, -1))
  return { alone, leading: words.filter(w => !w.trim().endsWith('$')) }
}

/** Something built once per profile from its words (regexes): cached beside the compiled rules. */
export function perRules<T>(build: (rules: ImportRules) => T): (rules: ImportRules) => T {
  const cache = new WeakMap<ImportRules, T>()
  return rules => {
    let built = cache.get(rules)
    if (built === undefined) {
      built = build(rules)
      cache.set(rules, built)
    }
    return built
  }
}

// ---- compiled rules ---------------------------------------------------------------------------

export type Rating = 'red' | 'amber' | 'green'

export interface ImportRules {
  /** The built-in profile with the user's words added: every key present. */
  profile: FullProfile
  /** Alternation of grid heading nouns ("planning[^\\p{L}\\p{N}]*grid|section|…"). */
  gridNouns: string
  /** Alternation of objective heading words. */
  objectiveWords: string
  /** Objective words that may head an objective without a number ("Objective: …"), lower case. */
  objectiveUnnumbered: Set<string>
  /** Alternation of the words of page-number lines ("page|pg"). */
  pageWords: string
  /** The number a heading's number word stands for ("two" → 2), or undefined. */
  numberWord(word: string): number | undefined
  /** The rating a RAG word or letter names ("Amber", "g"), or null. */
  ratingOf(word: string): Rating | null
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

/**
 * Loose label matching: every word of the phrase is among the label's words (in any order, a
 * word matching its start), and the label's other words are few or filler. "Partnership name",
 * "Name of the partnership", "PARTNERSHIP" all match "partnership"; "Partnership board members" does not.
 */
function labelMatches(labelWords: string[], phraseWords: string[], filler: ReadonlySet<string>): boolean {
  if (phraseWords.length === 0) return false
  const rest = [...labelWords]
  for (const p of phraseWords) {
    const i = rest.findIndex(w => wordMatches(w, p))
    if (i < 0) return false
    rest.splice(i, 1)
  }
  return rest.filter(w => !filler.has(w)).length === 0
}

/** The built-in profile with a user's words added, key by key (the user's tried first). */
function merge(base: FullProfile, extra: ImportProfile | undefined): FullProfile {
  if (!extra) return base
  const merged: Record<string, unknown> = { name: extra.name ?? base.name }
  for (const [group, keys] of Object.entries(base)) {
    if (group === 'name') continue
    const theirs = (extra as Record<string, Record<string, unknown> | undefined>)[group] ?? {}
    merged[group] = Object.fromEntries(
      Object.entries(keys as Record<string, unknown>).map(([key, ours]) => {
        const added = theirs[key]
        if (added === undefined) return [key, ours]
        return [key, Array.isArray(ours) ? [...(added as string[]), ...ours] : { ...(ours as object), ...(added as object) }]
      }),
    )
  }
  return merged as FullProfile
}

/** The built-in profile with a user's profile's words added (theirs tried first). */
export function compileRules(extra?: ImportProfile): ImportRules {
  const profile = merge(DEFAULT_PROFILE, extra)
  const columns = COLUMN_ROLES.map(role => ({ role, phrases: profile.columns[role].map(phrase) }))
  const endings = profile.partnership.endings.map(e => phrase(`${e}$`))
  const headerLabels = ([
    ['partnership', profile.partnership.labels],
    ['title', profile.header.title],
    ['published', profile.header.published],
  ] as const).flatMap(([field, words]) => words.map(w => ({ field, phrase: w, words: normaliseWords(w) })))
  const filler = new Set(profile.header.labelFiller.flatMap(normaliseWords))
  const tables = (['skip', 'contacts', 'selfAssessment', 'budget'] as const).map(kind => ({ kind, phrases: profile.tables[kind].map(phrase) }))
  const numberWords = new Map(Object.entries(profile.headings.numberWords).map(([w, n]) => [normaliseWords(w).join(' '), n]))
  const ratings = new Map<string, Rating>()
  // The user's words come first: a word in two lists keeps the rating the user gave it.
  for (const rating of ['red', 'amber', 'green'] as const) for (const w of profile.rag[rating]) ratings.set(normaliseWords(w).join(''), rating)
  for (const rating of ['red', 'amber', 'green'] as const) for (const w of extra?.rag?.[rating] ?? []) ratings.set(normaliseWords(w).join(''), rating)
  const rules: ImportRules = {
    profile,
    gridNouns: wordsPattern(profile.headings.grid),
    objectiveWords: wordsPattern(profile.headings.objective),
    objectiveUnnumbered: new Set(profile.headings.objectiveUnnumbered.map(w => normaliseWords(w).join(' '))),
    pageWords: wordsPattern(profile.headings.page),
    numberWord: word => numberWords.get(normaliseWords(word).join(' ')),
    ratingOf: word => ratings.get(word) ?? null,
    columnOf(cell) {
      const c = cell.replace(boxPrefix(rules), '')
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
      const found = headerLabels.find(l => l.words.join(' ') === key) ?? headerLabels.find(l => labelMatches(words, l.words, filler))
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
  return rules
}

/**
 * owners.wholeNames as one sticky regex for splitOwners: each phrase's words with any spaces
 * between them, "&" standing for "&" or "and", ending at a word's end.
 */
export const ownerWholeNames = perRules(rules => {
  const phrases = rules.profile.owners.wholeNames
    .map(name => name.trim().split(/\s+/).map(w => (w === '&' ? '(?:&|and)' : escapeRegExp(w))).join('\\s*'))
    .sort((a, b) => b.length - a.length)
  return new RegExp(phrases.length ? `(?:${phrases.join('|')})(?![\\p{L}\\p{N}])` : '(?!)', 'iuy')
})

/** "Box 3: " before a heading or a column header: a template's box number (headings.box words), dropped. */
export const boxPrefix = perRules(rules => new RegExp(`^(?:${wordsPattern(rules.profile.headings.box)})\\s*\\d{1,2}\\s*[:.]?\\s*`, 'iu'))

export const DEFAULT_RULES: ImportRules = compileRules()

/** The rules of a parse: the built-in ones (compiled once, at start-up) unless a profile adds words. */
export function rulesFor(profile: ImportProfile | undefined): ImportRules {
  return profile ? compileRules(profile) : DEFAULT_RULES
}
