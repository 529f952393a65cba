// Action cells: their numbers ("1.", "2.4", "3.Delivery"), cells packing several actions as <p>
// items or "1.1 … 1.2 …", and the by-when / by-whom / cost lists aligned to those actions.
import { cellItems, type RawCell } from './normaliseText.js'

export interface NumberedText {
  number: string | null
  text: string
}

/**
 * Splits a leading action number off a cell: "1. Establish" → 1, "2.4 Deliver" → 2.4,
 * "3.Delivery" → 3, "8.3 8.1 and 8.2 to inform" → 8.3. A bare integer needs a "." or ")" after
 * it, so "130 vaccination completions" and "50% of staff" keep their numbers in the text.
 */
export function splitActionNumber(text: string): NumberedText {
  const m = /^(\d{1,3}(?:\.\d{1,3}){0,3})(?![\d,%£])/.exec(text)
  if (!m) return { number: null, text }
  const num = m[1]
  let rest = text.slice(num.length)
  const dotted = num.includes('.')
  if (dotted) {
    // "2.4 Deliver", "2.4. Deliver", "2.4) Deliver"
    const after = /^[.)]?(\s+|(?=[A-Z'"‘“(]))/.exec(rest)
    if (!after) return { number: null, text }
    rest = rest.slice(after[0].length)
  } else {
    const after = /^[.)](\s+|(?=[A-Za-z'"‘“(]))/.exec(rest)
    if (!after) return { number: null, text }
    rest = rest.slice(after[0].length)
  }
  rest = rest.trim()
  if (!rest) return { number: null, text }
  return { number: num, text: rest }
}

/**
 * Finds "N.M " markers inside running text that start a new packed action: the major number must
 * be the objective's, and the next word must start with a capital (so "8.1 and 8.2 to inform"
 * and "in light of 2.1" are references, not markers).
 */
function embeddedMarkers(text: string, major: string | null): number[] {
  const at: number[] = []
  const re = /(^|\s)(\d{1,2})\.(\d{1,2})(?=[.)]?\s+["'‘“(]?[A-Z])/g
  let m: RegExpExecArray | null
  let first: string | null = major
  while ((m = re.exec(text)) !== null) {
    const maj = m[2]
    if (first === null) first = maj
    if (maj !== first) continue
    at.push(m.index + m[1].length)
  }
  return at
}

function splitAt(text: string, positions: number[]): string[] {
  if (!positions.length) return [text]
  const parts: string[] = []
  let prev = 0
  for (const p of positions) {
    if (p > prev) parts.push(text.slice(prev, p).trim())
    prev = p
  }
  parts.push(text.slice(prev).trim())
  return parts.filter(Boolean)
}

export interface PackedCell {
  /** Text before the first numbered item: usually the objective restated. */
  head: string
  actions: NumberedText[]
}

/**
 * Reads a cell that may pack several actions: <p> items each starting "1.1 …", or running text
 * "Objective text. 1.1 Do this 1.2 Do that". Unnumbered items after an action belong to it
 * (a list of courses under "2.4 Deliver 480 training places … as follows:").
 */
export function readPackedCell(raw: RawCell, objectiveNumber: string | null): PackedCell {
  const items: string[] = []
  for (const item of cellItems(raw)) {
    const lead = splitActionNumber(item)
    const major = objectiveNumber ?? (lead.number ? lead.number.split('.')[0] : null)
    // Keep a leading number as its own marker; look for further markers after it.
    const offset = lead.number ? item.length - lead.text.length : 0
    const positions = embeddedMarkers(item.slice(offset), major)
      .map(p => p + offset)
      .filter(p => p > 0)
    items.push(...splitAt(item, positions))
  }
  let head = ''
  const actions: NumberedText[] = []
  for (const item of items) {
    const n = splitActionNumber(item)
    if (n.number && n.number.includes('.')) actions.push(n)
    else if (n.number && objectiveNumber === null) actions.push(n)
    else if (actions.length) actions[actions.length - 1].text += ` ${item}`
    else head = head ? `${head} ${item}` : item
  }
  return { head: head.trim(), actions }
}

/** True when a cell packs two or more numbered actions. */
export function isPackedCell(raw: RawCell): boolean {
  const items = cellItems(raw)
  let numbered = 0
  for (const item of items) if (splitActionNumber(item).number) numbered++
  if (numbered >= 2) return true
  if (items.length === 1) {
    const lead = splitActionNumber(items[0])
    if (lead.number && lead.number.includes('.')) {
      const major = lead.number.split('.')[0]
      return embeddedMarkers(lead.text, major).length > 0
    }
  }
  return false
}

// ---- aligned lists ---------------------------------------------------------------------------

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\\.?'
const DATE_LIST = new RegExp(`^(?:${MONTH}\\s?\\d{4}\\s*){2,}$`, 'i')
const DATE_ITEM = new RegExp(`${MONTH}\\s?\\d{4}`, 'gi')
const MONEY_LIST = /^(?:£\s?\d[\d,]*(?:\.\d{1,2})?\s?[kKmM]?\s*){2,}$/
const MONEY_ITEM = /£\s?\d[\d,]*(?:\.\d{1,2})?\s?[kKmM]?/g

/** "Jun 2003 Jul 2003 Oct 2003" → three dates; anything else stays whole. */
export function splitDateList(text: string): string[] {
  return DATE_LIST.test(text.trim()) ? (text.match(DATE_ITEM) ?? [text]).map(s => s.trim()) : [text]
}

/** "£35,000 £70,000" → two amounts; anything else stays whole. */
export function splitMoneyList(text: string): string[] {
  return MONEY_LIST.test(text.trim()) ? (text.match(MONEY_ITEM) ?? [text]).map(s => s.trim()) : [text]
}

/** "DAT DAT DAT" for three actions → one label each. Only an exact repetition is split. */
export function splitRepeated(text: string, n: number): string[] {
  const words = text.trim().split(/\s+/)
  if (n < 2 || words.length % n !== 0) return [text]
  const size = words.length / n
  const chunks: string[] = []
  for (let i = 0; i < n; i++) chunks.push(words.slice(i * size, (i + 1) * size).join(' '))
  return chunks.every(c => c === chunks[0]) ? chunks : [text]
}

export type ListKind = 'by when' | 'by whom' | 'cost'

export interface AlignedList {
  values: string[]
  /** Set when the alignment is a guess. */
  note: string | null
}

/**
 * Aligns a packed cell's list (by when, by whom or costs) to n actions. Equal counts align one to
 * one. One entry for several actions: a date or owner applies to each; a cost is the objective's
 * and goes on the first action only (adding it to every action would multiply it). Other counts
 * are aligned in order, which is a guess and says so.
 */
export function alignList(raw: RawCell, n: number, kind: ListKind): AlignedList {
  let items = cellItems(raw)
  const empty = Array.from({ length: n }, () => '')
  if (items.length === 0 || n === 0) return { values: empty, note: items.length && n === 0 ? `${kind} "${items.join(' ')}" has no action to go with and is not recorded` : null }
  if (items.length !== n) {
    const expanded = items.flatMap(item => (kind === 'by when' ? splitDateList(item) : kind === 'cost' ? splitMoneyList(item) : splitRepeated(item, n)))
    // "£35,000 £70,000" is two amounts even when there are three actions to share them.
    if (expanded.length === n || (expanded.length > items.length && expanded.length < n)) items = expanded
  }
  if (items.length === n) return { values: items, note: null }
  if (n === 1) {
    return { values: [items.join(kind === 'by whom' ? ', ' : ' ')], note: null }
  }
  if (items.length === 1) {
    if (kind === 'cost') {
      return { values: [items[0], ...empty.slice(1)], note: `one cost "${items[0]}" for ${n} actions: recorded on the first action only` }
    }
    return { values: empty.map(() => items[0]), note: `one ${kind} "${items[0]}" for ${n} actions: given to each` }
  }
  const values = empty.map((_, i) => items[i] ?? '')
  if (items.length > n) values[n - 1] = items.slice(n - 1).join(kind === 'by whom' ? ', ' : ' ')
  return {
    values,
    note: `${items.length} ${kind} entries for ${n} actions: aligned in order (${values.map(v => (v ? `"${v}"` : 'none')).join(', ')}); please check`,
  }
}
