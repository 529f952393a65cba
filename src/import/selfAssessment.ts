// Self-assessment text: baseline statements rated Red, Amber or Green — at the end of the
// sentence ("… drug users and carers Amber", "… these plans.Green"), on a line of their own
// after the statement ("- Amber"), as an overall rating ("… in March '05 was Amber"), or two
// statements run together in one line ("… sector Amber Service level agreements …").
import type { Rag } from '../domain/values/types.js'
import type { ImportWarning } from './types.js'
import { ragWord } from './columnContent.js'
import { DEFAULT_RULES, escapeRegExp, perRules, wordsPattern, type ImportRules } from './profile.js'

export interface SaLine {
  line: number
  text: string
  /** True when a blank line came before this one (a new paragraph). */
  paragraphStart: boolean
}

export interface SaResult {
  statements: Array<{ statement: string; rag: Rag; line: number }>
  narrative: Array<{ text: string; line: number }>
}

interface RatingRegexes {
  /** A rating word in running text: capitalised or in capitals ("Amber", "AMBER"), two letters or more. */
  word: RegExp
  /** A rating alone on its line ("- Amber"). */
  standalone: RegExp
  /** Words after which the rating is part of the sentence: "was Amber", "assessed as Green". */
  predicate: RegExp
}

const ratingRegexes = perRules<RatingRegexes>(rules => {
  const rag = rules.profile.rag
  const words = [...rag.red, ...rag.amber, ...rag.green].map(w => w.trim()).filter(w => w.length >= 2)
  const capitalised = words.flatMap(w => [w.charAt(0).toUpperCase() + w.slice(1).toLowerCase(), w.toUpperCase()])
  return {
    word: new RegExp(`(?<![\\p{L}\\p{N}_])(${[...new Set(capitalised)].map(escapeRegExp).sort((a, b) => b.length - a.length).join('|') || '(?!)'})(?![\\p{L}\\p{N}_])`, 'gu'),
    standalone: new RegExp(`^[-–—•*:\\s]*(${wordsPattern(words)})[\\s.*]*$`, 'iu'),
    predicate: new RegExp(`\\b(?:${wordsPattern(rag.ratedAfter)})\\s*$`, 'iu'),
  }
})

function statementOf(before: string, word: string, r: RatingRegexes): string {
  const trimmed = before.trim().replace(/[\s\-–—:,(]+$/, '')
  if (r.predicate.test(trimmed)) return `${trimmed} ${word}`
  return trimmed
}

/** How far back from a rating its sentence's last words are read (keeps each test bounded). */
const TAIL = 200

/** Index just past the last character that is not trailing space or closing punctuation. */
function endOfContent(text: string): number {
  let i = text.length
  while (i > 0 && /[\s.*)\]]/.test(text[i - 1])) i--
  return i
}

/** Splits one line into rated statements and unrated text. Linear: each test looks at a bounded tail. */
function splitLine(text: string, line: number, warnings: ImportWarning[], rules: ImportRules): Array<{ text: string; rag: Rag | null }> {
  const r = ratingRegexes(rules)
  const RAG_WORD = r.word
  const toRag = (word: string): Rag => ragWord(word, rules)!
  const parts: Array<{ text: string; rag: Rag | null }> = []
  const contentEnd = endOfContent(text)
  const newSentence = /\s+[A-Z][a-z]/y
  let from = 0
  RAG_WORD.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = RAG_WORD.exec(text)) !== null) {
    const end = m.index + m[0].length
    if (end >= contentEnd) {
      parts.push({ text: statementOf(text.slice(from, m.index), m[1], r), rag: toRag(m[1]) })
      from = text.length
      break
    }
    // Mid-line: only a rating followed by a new capitalised sentence after a long statement.
    // ("British Red Cross" is a name: the word before a rating must not be capitalised.)
    newSentence.lastIndex = end
    if (!newSentence.test(text)) continue
    const tail = text.slice(Math.max(from, m.index - TAIL), m.index)
    const long = m.index - from >= 40 + TAIL || text.slice(from, m.index).trim().length >= 40
    if (long && !r.predicate.test(tail.trim()) && /(?:^|\s)[a-z][\w'-]*[.)]?\s*$|[.)]\s*$/.test(tail)) {
      const before = text.slice(from, m.index)
      parts.push({ text: statementOf(before, m[1], r), rag: toRag(m[1]) })
      warnings.push({ line, message: `two self-assessment statements run together; split after "${m[1]}"` })
      from = end
    }
  }
  const rest = text.slice(from).trim()
  if (rest) parts.push({ text: rest, rag: null })
  return parts.filter(p => p.text.length > 0)
}

export function readSelfAssessment(lines: SaLine[], warnings: ImportWarning[], rules: ImportRules = DEFAULT_RULES): SaResult {
  const statements: SaResult['statements'] = []
  // Unrated text, grouped by paragraph so that a rating on a line of its own can claim the
  // paragraph just before it.
  type Paragraph = Array<{ text: string; line: number }>
  const paragraphs: Paragraph[] = []
  // The paragraph the previous line ended in (null when it ended with a rated statement).
  let open: Paragraph | null = null
  for (const l of lines) {
    const standalone = ratingRegexes(rules).standalone.exec(l.text)
    if (standalone) {
      if (open && open.length) {
        paragraphs.splice(paragraphs.lastIndexOf(open), 1)
        statements.push({ statement: open.map(x => x.text).join(' '), rag: ragWord(standalone[1], rules)!, line: open[0].line })
      } else {
        warnings.push({ line: l.line, message: `self-assessment rating "${l.text}" has no statement before it; not recorded` })
      }
      open = null
      continue
    }
    let current: Paragraph | null = l.paragraphStart ? null : open
    for (const part of splitLine(l.text, l.line, warnings, rules)) {
      if (part.rag) {
        statements.push({ statement: part.text, rag: part.rag, line: l.line })
        current = null
      } else {
        if (!current) {
          current = []
          paragraphs.push(current)
        }
        current.push({ text: part.text, line: l.line })
      }
    }
    open = current
  }
  return { statements, narrative: paragraphs.flat() }
}
