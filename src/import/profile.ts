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
      for (let k = 0; k < n && ok; k++) ok = wordMatches(words[i + k], p.words[k])
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
  /** The column a header cell names, and the profile phrase that said so. */
  columnOf(cell: string): { role: KnownColumn; phrase: string } | null
  /** The partnership ending a line's words close with ("action team"), or null. */
  partnershipEnding(words: string[]): string | null
  /** "Partnership name: Croydon" → "Croydon"; null when the line has no such label. */
  partnershipLabel(text: string): string | null
  /** What kind of non-action table a header row names, and the phrase that said so. */
  tableKindOf(cells: string[]): { kind: 'budget' | 'selfAssessment' | 'contacts' | 'skip'; phrase: string } | null
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
    },
    columns,
    partnership: { endings: cat(base.partnership?.endings, extra.partnership?.endings), labels: cat(base.partnership?.labels, extra.partnership?.labels) },
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
  const labels = alternation(profile.partnership?.labels ?? [])
  const labelRe = labels ? new RegExp(`^(?:${labels})\\s*[:\\-–—]\\s*(.{1,100})$`, 'i') : null
  const tables = (['skip', 'contacts', 'selfAssessment', 'budget'] as const).map(kind => ({ kind, phrases: (profile.tables?.[kind] ?? []).map(phrase) }))
  return {
    profile,
    gridNouns: alternation(profile.headings?.grid ?? []),
    objectiveWords: alternation(profile.headings?.objective ?? []),
    objectiveUnnumbered: new Set((profile.headings?.objectiveUnnumbered ?? []).map(w => w.trim().toLowerCase())),
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
    partnershipLabel(text) {
      const m = labelRe?.exec(text.trim())
      return m ? m[1].trim().replace(/[\s.:,;]+$/, '') || null : null
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
