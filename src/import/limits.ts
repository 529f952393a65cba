// What the importer refuses before reading any structure: nothing there, binary, too big.

/** Largest document accepted: 5 MiB of UTF-8. Real plan extractions are tens of kilobytes. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

/** Share of non-printable characters above which a text is taken to be binary. */
const MAX_NON_PRINTABLE_SHARE = 0.05

/** UTF-8 length of a string without allocating a buffer. */
export function utf8Length(text: string, stopAfter = Infinity): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
    if (bytes > stopAfter) return bytes
  }
  return bytes
}

function isNonPrintable(c: number): boolean {
  if (c === 0x09 || c === 0x0a || c === 0x0d) return false
  if (c < 0x20 || c === 0x7f) return true
  if (c >= 0x80 && c < 0xa0) return true // C1 controls: a sign of bytes decoded as Latin-1
  return c === 0xfffd // replacement character: bytes that were not UTF-8
}

/** A document with no text at all: nothing a profile names can be found in it. */
export const EMPTY_DOCUMENT =
  "the document is empty: it has no text, so neither a grid heading nor a plan year; no import profile setting can help: send the plan's text, or its Word file (.docx)"

/** What a binary file is told: a profile reads words, and this has none to read. */
const BINARY = 'no import profile setting can help: send the plan as text (UTF-8), or a Word document as the .docx file itself'

/** Why the text cannot be a plan document at all, or null when it may be read. */
export function refuseInput(text: unknown): string | null {
  if (typeof text !== 'string') return 'the document must be text'
  // A UTF-16 code unit is at least one UTF-8 byte, so a longer string is certainly too big.
  if (text.length > MAX_DOCUMENT_BYTES || utf8Length(text, MAX_DOCUMENT_BYTES) > MAX_DOCUMENT_BYTES) {
    return `the document is larger than ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MiB; plan documents are far smaller, so this is refused unread; no import profile setting can help: send the plan's text alone`
  }
  if (text.trim().length === 0) return EMPTY_DOCUMENT
  if (text.includes('\u0000')) return `the document contains NUL bytes: it looks like a binary file, not the text of a plan; ${BINARY}`
  let bad = 0
  for (let i = 0; i < text.length; i++) if (isNonPrintable(text.charCodeAt(i))) bad++
  if (bad / text.length > MAX_NON_PRINTABLE_SHARE) {
    return `the document is mostly not printable text (${bad} control or undecodable characters): it looks like a binary file; ${BINARY}`
  }
  return null
}
