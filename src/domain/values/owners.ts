// "By whom": owner labels — initials and roles ("ICM", "DAAT Manager"), agencies ("CNWL",
// "Turning Point"), groups ("JCG", "Training Sub Group") and people ("Diana Lee").
//
// Labels are compared case-insensitively with surrounding whitespace trimmed and inner runs of
// whitespace collapsed: "DM", "dm" and " DM " are one owner; "D M" is another.
//
// splitOwners rules (for a whole "By whom" cell):
// - Separators: "/", "&", ",", ";", newlines, and the word "and" between spaces ("ICM, DM and
//   JCG"); "Standards", "Brand" or "Andover" are never split.
// - Not separators: a "/" or "&" glued between a one-letter abbreviation and the next letter
//   ("A&E", "P/T", "I/P", "C&YP"), and anything inside brackets ("Public Health substance misuse
//   team (adults & C&YP)" stays one label).
// - Each part is trimmed, inner whitespace (tabs, stray spaces) collapsed to one space, a bracket
//   left without its partner at either end dropped ("Pharmacy Worker )" → "Pharmacy Worker"), a
//   part wholly in brackets unwrapped ("(Pharmacy Worker )" → "Pharmacy Worker"), stray dashes or
//   colons at the ends dropped; empty parts are dropped ("SM/" → ["SM"]), and later duplicates
//   (case-insensitive) are dropped keeping the first spelling and the order.

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

function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (OPENERS.includes(c)) depth++
    else if (CLOSERS.includes(c) && depth > 0) depth--
    if (depth === 0) {
      if (c === ',' || c === ';' || c === '\n' || c === '\r' || ((c === '/' || c === '&') && !gluedAbbreviation(text, i))) {
        parts.push(current)
        current = ''
        i++
        continue
      }
      const and = /\s/.test(c) ? AND.exec(text.slice(i)) : null
      if (and) {
        parts.push(current)
        current = ''
        i += and[0].length
        continue
      }
    }
    current += c
    i++
  }
  parts.push(current)
  return parts
}

function count(text: string, chars: string): number {
  let n = 0
  for (const c of text) if (chars.includes(c)) n++
  return n
}

/** Tidies one split part: whitespace, stray brackets, dashes and colons at the ends. */
function tidy(part: string): string {
  let s = collapse(part)
  for (;;) {
    const before = s
    s = s.replace(/^[\s\-–—:]+|[\s\-–—:]+$/g, '')
    const opens = count(s, OPENERS)
    const closes = count(s, CLOSERS)
    if (CLOSERS.includes(s.slice(-1)) && closes > opens) s = s.slice(0, -1)
    else if (OPENERS.includes(s.slice(0, 1)) && opens > closes) s = s.slice(1)
    else if (OPENERS.includes(s.slice(-1))) s = s.slice(0, -1)
    else if (CLOSERS.includes(s.slice(0, 1))) s = s.slice(1)
    else if (OPENERS.includes(s[0]) && CLOSERS.includes(s.slice(-1)) && wrapsWhole(s)) s = s.slice(1, -1)
    s = s.trim()
    if (s === before) return s
  }
}

/** True when the bracket opening `s` is the one that closes it at the end. */
function wrapsWhole(s: string): boolean {
  let depth = 0
  for (let i = 0; i < s.length; i++) {
    if (OPENERS.includes(s[i])) depth++
    else if (CLOSERS.includes(s[i])) {
      depth--
      if (depth === 0) return i === s.length - 1
    }
  }
  return false
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

/** Splits a "By whom" cell into owner labels: separators "/", "&", " and ", ",", ";" and newlines; trimmed, inner whitespace collapsed, empty parts dropped, duplicates (case-insensitive) dropped keeping the first spelling, order kept. */
export function splitOwners(text: string): string[] {
  return distinctOwners(splitTopLevel(text).map(tidy))
}

/** Normalises a list of labels given one by one (API input): trims, collapses whitespace, drops case-insensitive duplicates, keeps order. Does NOT split on separators. */
export function normaliseOwners(labels: string[]): string[] {
  return distinctOwners(labels.map(collapse))
}

/** Owner labels match case-insensitively (and ignoring surrounding/collapsed whitespace). */
export function sameOwner(a: string, b: string): boolean {
  return ownerKey(a) === ownerKey(b)
}
