// Recognising the structure of a plan from its running-text lines: grid headings, objective
// markers, the headings of a grid's parts (self-assessment, gap analysis, key priorities,
// budget boxes, expected outcomes, delivery plan, progress report) and repeated page headers.
import type { GridNarrativeSection } from '../domain/events.js'

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
}

const MAX_HEADING = 300
const NUMBER_TOKEN = '(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|[ivx]{1,4})'
const GRID_HEADING = new RegExp(`^((?:planning\\s+|treatment\\s+plan\\s+)?(?:grid|section))\\s+${NUMBER_TOKEN}\\b\\s*([:.\\-–—)]?)\\s*(.*)$`, 'i')

/**
 * "Planning grid 1: Commissioning …", "PLANNING GRID ONE: Tier One …", "Planning Section 2: …",
 * "Section 3 – Harm reduction", "Grid 4". A bare "Grid"/"Section" needs a separator or nothing
 * after the number, so that prose such as "Section 3 of the guidance says" is not a heading.
 */
export function matchGridHeading(text: string): GridHeading | null {
  if (text.length > MAX_HEADING) return null
  const m = GRID_HEADING.exec(text)
  if (!m) return null
  const words = m[1].replace(/\s+/g, ' ').toLowerCase()
  const noun = words.charAt(0).toUpperCase() + words.slice(1)
  const planning = /^(planning|treatment)/i.test(noun)
  const sep = m[3]
  const rest = m[4].trim()
  if (/^[ivx]+$/i.test(m[2]) && !sep) return null // "Section i" in prose
  if (!planning && !sep && rest) return null
  if (sep === '.' && /^\d/.test(rest)) return null // "Section 2.3" is a sub-section reference
  const number = numberFromWord(m[2])
  if (number === null) return null
  // A title that reads like a sentence continuing the heading words is prose, not a heading.
  if (!sep && rest && /^(of|in|and|or|to|for|from|as|is|was|will|which|the)\b/i.test(rest)) return null
  return { number, title: rest.replace(/[:\s]+$/, ''), noun }
}

export interface ObjectiveMarker {
  number: string | null
  text: string
}

const OBJECTIVE_MARKER = /^objective\b\s*(?:(?:no\.?|number)\s*)?(\d{1,3}(?:\.\d{1,3}){0,2}|[a-z]\b)?\s*([:.\-–—)]?)\s*(.*)$/i

/** "Objective 1", "Objective 1 - Finalise …", "Objective 3: …", "Objective: …". */
export function matchObjectiveMarker(text: string): ObjectiveMarker | null {
  if (text.length > 5000) return null
  const m = OBJECTIVE_MARKER.exec(text)
  if (!m) return null
  const number = m[1] ? m[1].replace(/\.$/, '') : null
  const sep = m[2]
  if (!number && !sep) return null // "Objectives met …", "Objective setting is …"
  if (number && /^[a-z]$/i.test(number) && !sep) return null // "Objective a good …"
  return { number, text: m[3].trim() }
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

const PARTNERSHIP_END = /(?:\bD\.?A\.?A\.?T|\bD\.?A\.?T|\bD\(A\)AT|Action Team|Partnership|Board|Council|Commissioning Group)$/

/** A short line naming a partnership: "Ealing DAAT", "Staffordshire County Drug Action Team". */
export function looksLikePartnership(text: string): boolean {
  if (text.length > 100) return false
  const t = text.replace(/[\s.:,;]+$/, '')
  if (t.split(/\s+/).length > 10) return false
  return PARTNERSHIP_END.test(t) && /^[A-Z]/.test(t)
}

/** A short line naming the plan and its year: "Treatment Plan 2003/04", "Adult drug treatment plan 2006/07 …". */
export function looksLikePlanTitle(text: string): boolean {
  if (text.length > 160) return false
  if (!/\b(?:plan|planning|strategy)\b/i.test(text)) return false
  return yearsIn(text).length > 0
}
