// Cleaning what text extractions of Word documents leave behind: HTML fragments and entities,
// markdown emphasis, symbol-font bullets and other stray characters, cell padding.
// Every regular expression here is linear: no nested quantifiers, bounded tag lengths.

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  sbquo: '‚',
  bdquo: '„',
  pound: '£',
  euro: '€',
  hellip: '…',
  bull: '•',
  middot: '·',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  shy: '',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
}

const ENTITY = /&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,10});/g

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(ENTITY, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return ''
      return String.fromCodePoint(code)
    }
    const decoded = NAMED_ENTITIES[name.toLowerCase()]
    return decoded ?? whole
  })
}

/** An HTML tag: a name after "<", attributes of bounded length, ">". "< 25" is not a tag. */
const TAG = /<\/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,500})?\/?>/g
/** Tags that separate items inside a table cell (paragraphs, list items, line breaks). */
const BLOCK_TAG = /<\/?(?:p|li|br|div|ul|ol|tr|td|th|h[1-6])(?:\s[^<>]{0,500})?\/?>/gi

export function stripTags(text: string): string {
  if (!text.includes('<')) return text
  return text.replace(TAG, ' ')
}

/**
 * Characters that carry nothing: control characters, zero-width marks, the replacement
 * character, private-use symbol-font glyphs (Word's Wingdings bullets), dingbats (✘ ✗ ✓),
 * miscellaneous symbols (⚡ ☐) and geometric shapes used as bullets (■ ▪ ●).
 */
const STRAY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff\ufffd\ue000-\uf8ff\u2600-\u27bf\u25a0-\u25ff]/g

export function removeStray(text: string): string {
  return text.replace(STRAY, '')
}

const ODD_BLANK = /[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]/
const SPACE_RUN = / {2,}|[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*[\t\u00a0\u2000-\u200a\u202f\u205f\u3000][ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*/g

function collapse(text: string): string {
  // Only runs of spaces and other blanks are rewritten: a single plain space stays untouched.
  const needed = text.includes('  ') || ODD_BLANK.test(text)
  return (needed ? text.replace(SPACE_RUN, ' ') : text).trim()
}

/** A cell or a fragment of text: entities decoded, tags removed, stray characters dropped, spaces collapsed. */
export function cleanInline(raw: string): string {
  return collapse(removeStray(stripTags(decodeEntities(raw))))
}

/**
 * A table cell as read: HTML-ish text from a text extraction, or the paragraphs of a cell
 * from a structured source (taken as plain text: no entities, no tags).
 */
export type RawCell = string | readonly string[]

/** Plain text from a structured source: stray characters dropped, spaces collapsed, nothing else. */
export function cleanPlain(text: string): string {
  return collapse(removeStray(text))
}

/** The items of a table cell: its <p>, <li> and <br> separated parts, each cleaned, empty ones dropped. */
export function cellItems(raw: RawCell): string[] {
  if (typeof raw !== 'string') return raw.map(cleanPlain).filter(part => part.length > 0)
  const decoded = decodeEntities(raw)
  if (!decoded.includes('<')) {
    const one = cleanInline(decoded)
    return one ? [one] : []
  }
  return decoded
    .replace(BLOCK_TAG, '\u0001')
    .split('\u0001')
    .map(part => collapse(removeStray(stripTags(part))))
    .filter(part => part.length > 0)
}

/** A cell's text as one string: its items joined by spaces. */
export function cellText(raw: RawCell): string {
  return cellItems(raw).join(' ')
}

/**
 * A line of running text: markdown heading marks and emphasis removed as well.
 * "## **Planning grid 3: User involvement**" → "Planning grid 3: User involvement".
 */
export function cleanTextLine(raw: string): string {
  let s = cleanInline(raw)
  if (!s) return s
  s = s.replace(/^#{1,6}\s+/, '')
  if (s.includes('*') || s.includes('__')) {
    s = s.replace(/\*{2,}/g, '').replace(/__/g, '')
    // *italic* → italic; a lone leading "*" (footnote mark, bullet) is dropped.
    s = s.replace(/(^|\s)\*([^*\s][^*]{0,2000}?)\*(?=$|[\s.,;:)])/g, '$1$2')
    s = s.replace(/^\*\s*/, '')
  }
  return collapse(s)
}

/** True for lines that are only rules or dots: "--", "-----", "................", "| --- |". */
export function isRuleLine(text: string): boolean {
  return /^[-=_.*~•·|:+\s]+$/.test(text)
}

/** Join a wrapped fragment onto the text before it. "multi" + "-disciplinary", "subcontracts" + "." */
export function joinWrapped(before: string, fragment: string): string {
  if (!before) return fragment
  if (!fragment) return before
  if (/^[.,;:)\]]+$/.test(fragment)) return before + fragment
  if (/^-\p{L}/u.test(fragment) && /\p{L}$/u.test(before)) return before + fragment
  return `${before} ${fragment}`
}
