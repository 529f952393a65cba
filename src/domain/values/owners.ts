// "By whom": owner labels — initials and roles ("ICM", "DAAT Manager"), agencies ("CNWL",
// "Turning Point"), groups ("JCG", "Training Sub Group") and people ("Diana Lee").
//
// Labels are compared case-insensitively with surrounding whitespace trimmed and inner runs of
// whitespace collapsed: "DM", "dm" and " DM " are one owner; "D M" is another.
//
// splitOwners rules (for a whole "By whom" cell):
// - Names the caller marks whole (options.wholeNames: "Drug & Alcohol Action Team") are never split.
// - Separators: "/", "&", ",", ";", "|" (a table's cell divider typed inside a cell: "Acute Trust |
//   PCT"), newlines, and the word "and" between spaces ("ICM, DM and
//   JCG"); "Standards", "Brand" or "Andover" are never split.
// - Not separators: a "/" or "&" glued between a one-letter abbreviation and the next letter
//   ("A&E", "P/T", "I/P", "C&YP"), and anything inside brackets ("Public Health substance misuse
//   team (adults & C&YP)" stays one label).
// - Each part is trimmed, inner whitespace (tabs, stray spaces) collapsed to one space, a bracket
//   left without its partner at either end dropped ("Pharmacy Worker )" → "Pharmacy Worker"), a
//   part wholly in brackets unwrapped ("(Pharmacy Worker )" → "Pharmacy Worker"), stray dashes or
//   colons at the ends dropped; empty parts are dropped ("SM/" → ["SM"]), and later duplicates
//   (case-insensitive) are dropped keeping the first spelling and the order.

export interface SplitOwnersOptions {
  /**
   * Names whose "&" or "and" is part of one owner's name, as a sticky ("y") regex tried at the
   * start of each word: what it matches is never split. The importer builds it from its profile.
   */
  wholeNames?: RegExp
}

/** The comparison key of a label: trimmed, whitespace collapsed, lower case. Labels match when their keys are equal. */
export function ownerKey(label: string): string {
  return collapse(label).toLowerCase()
}

function collapse(label: string): string {
  return label.normalize('NFC').replace(/\s+/g, ' ').trim()
}

const isLetter = (c: string | undefined): boolean => c !== undefined && /\p{L}/u.test(c)

/** "A&E", "P/T", "C&YP": a one-letter abbreviation glued to the next letters. */
function gluedAbbreviation(text: string, i: number): boolean {
  return isLetter(text[i - 1]) && !isLetter(text[i - 2]) && isLetter(text[i + 1])
}

const AND = /^\s+and\s+/i
const OPENERS = '([{'
const CLOSERS = ')]}'

function splitTopLevel(text: string, wholeNames?: RegExp): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  let noAndBefore = 0
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (OPENERS.includes(c)) depth++
    else if (CLOSERS.includes(c) && depth > 0) depth--
    if (depth === 0) {
      // A name whose "&" or "and" is its own ("Drug & Alcohol Action Team") is taken whole.
      if (wholeNames && !isLetter(text[i - 1]) && isLetter(c)) {
        wholeNames.lastIndex = i
        const whole = wholeNames.exec(text)
        if (whole) {
          current += whole[0]
          i += whole[0].length
          continue
        }
      }
      if (c === ',' || c === ';' || c === '|' || c === '\n' || c === '\r' || ((c === '/' || c === '&') && !gluedAbbreviation(text, i))) {
        parts.push(current)
        current = ''
        i++
        continue
      }
      if (isSpace(c) && i >= noAndBefore) {
        const and = AND.exec(text.slice(i))
        if (and) {
          parts.push(current)
          current = ''
          i += and[0].length
          continue
        }
        // Nowhere else in this run of whitespace either: what follows the run is the same.
        // Testing each of its positions again would be quadratic in the run.
        noAndBefore = i
        while (noAndBefore < text.length && isSpace(text[noAndBefore])) noAndBefore++
      }
    }
    current += c
    i++
  }
  parts.push(current)
  return parts
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c)
/** What a part loses at either end: whitespace, dashes, colons. */
const isEdgeJunk = (c: string): boolean => isSpace(c) || c === '-' || c === '–' || c === '—' || c === ':'

/**
 * For each opening bracket, the index of the bracket that closes it (any kind closes any kind),
 * or -1: one pass with a stack.
 */
function closingBrackets(s: string): Int32Array {
  const closing = new Int32Array(s.length).fill(-1)
  const open: number[] = []
  for (let i = 0; i < s.length; i++) {
    if (OPENERS.includes(s[i])) open.push(i)
    else if (CLOSERS.includes(s[i]) && open.length) closing[open.pop()!] = i
  }
  return closing
}

/**
 * Tidies one split part: whitespace, stray brackets, dashes and colons at the ends; a part
 * wholly in brackets unwrapped. Works on the part's two ends with running bracket counts, so
 * its cost is linear in the part however many brackets it peels.
 */
function tidy(part: string): string {
  const s = collapse(part)
  let lo = 0
  let hi = s.length
  let opens = 0
  let closes = 0
  for (const c of s) {
    if (OPENERS.includes(c)) opens++
    else if (CLOSERS.includes(c)) closes++
  }
  let closing: Int32Array | null = null
  for (;;) {
    while (lo < hi && isEdgeJunk(s[lo])) lo++
    while (hi > lo && isEdgeJunk(s[hi - 1])) hi--
    if (lo === hi) return ''
    const first = s[lo]
    const last = s[hi - 1]
    if (CLOSERS.includes(last) && closes > opens) {
      closes--
      hi--
    } else if (OPENERS.includes(first) && opens > closes) {
      opens--
      lo++
    } else if (OPENERS.includes(last)) {
      opens--
      hi--
    } else if (CLOSERS.includes(first)) {
      closes--
      lo++
    } else if (OPENERS.includes(first) && CLOSERS.includes(last) && (closing ??= closingBrackets(s))[lo] === hi - 1) {
      // The bracket opening the part is the one that closes it at the end: unwrap.
      opens--
      closes--
      lo++
      hi--
    } else {
      return s.slice(lo, hi)
    }
  }
}

/** The labels without later case-insensitive duplicates (first spelling kept, order kept, empty labels dropped); linear. */
export function distinctOwners(labels: Iterable<string>): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const label of labels) {
    if (!label) continue
    const key = ownerKey(label)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(label)
  }
  return out
}

/** Splits a "By whom" cell into owner labels: separators "/", "&", " and ", ",", ";", "|" and newlines; trimmed, inner whitespace collapsed, empty parts dropped, duplicates (case-insensitive) dropped keeping the first spelling, order kept. */
export function splitOwners(text: string, options: SplitOwnersOptions = {}): string[] {
  return distinctOwners(splitTopLevel(text, options.wholeNames).map(tidy))
}

/** Normalises a list of labels given one by one (API input): trims, collapses whitespace, drops case-insensitive duplicates, keeps order. Does NOT split on separators. */
export function normaliseOwners(labels: string[]): string[] {
  return distinctOwners(labels.map(collapse))
}

/** Owner labels match case-insensitively (and ignoring surrounding/collapsed whitespace). */
export function sameOwner(a: string, b: string): boolean {
  return ownerKey(a) === ownerKey(b)
}
