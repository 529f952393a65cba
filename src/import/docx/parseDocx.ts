// A Word document (.docx bytes) read into a ParsedPlan by the same parser as a text document:
// the zip is checked and inflated under limits, the body read with mammoth, laid out as plan
// lines (paragraphs, and table rows of cells), parsed by the text importer's parser
// (parsePlanLines), and each warning and value given its place in the document (table, row,
// cell, or paragraph).
import { parsePlanLines, MAX_DOCUMENT_BYTES, type ParsedPlan, type ParseProgress, type RecognisedAt } from '../index.js'
import type { ImportProfile } from '../profiles/schema.js'
import { looksLikeZip } from './mediaType.js'
import { readWordDocument } from './readWordDocument.js'
import { DocxRefusedError, malformed, tooLarge, type RefusalStatus } from './refusal.js'
import { renderPlanText } from './renderPlanText.js'
import { SourceMap, type PlanSources } from './sources.js'
import { MAX_DOCX_BYTES, MAX_PARAGRAPHS, MAX_ROWS, MAX_TABLES } from './limits.js'
import { readZipParts } from './zipParts.js'
import { EMPTY_DOCUMENT } from '../limits.js'

export type DocxParseResult =
  | { ok: true; plan: ParsedPlan; warnings: string[]; sources: PlanSources; recognised: RecognisedAt[] }
  | { ok: false; status: RefusalStatus; reason: string; warnings: string[]; suggestedProfile?: ImportProfile }


/** XML parts never carry a DTD in a Word document; one that does could expand entities without bound. */
function refuseDoctypes(parts: Map<string, Buffer>): void {
  for (const [name, data] of parts) {
    if (data.includes('<!DOCTYPE') || data.includes('<!ENTITY')) {
      throw malformed(`part ${name} of the Word document declares a DTD (<!DOCTYPE> or <!ENTITY>); Word never writes one, and its entities could expand without bound: refused unread`)
    }
  }
}

/** Occurrences of an element's start tag (`<w:tbl>`, `<w:tbl …>`, `<w:tbl/>`, not `<w:tblPr>`). */
function countElements(parts: Map<string, Buffer>, tag: string): number {
  let n = 0
  for (const data of parts.values()) {
    for (let at = data.indexOf(tag); at >= 0; at = data.indexOf(tag, at + tag.length)) {
      const next = data[at + tag.length]
      if (next === 0x3e /* > */ || next === 0x20 || next === 0x2f /* / */ || next === 0x0a || next === 0x0d || next === 0x09) n++
    }
  }
  return n
}

/**
 * Counts tables, rows and paragraphs in the raw XML: a document of 10,000 tables is refused
 * before any of it is parsed (parsing builds a tree many times the XML's size).
 */
function refuseTooManyElements(parts: Map<string, Buffer>): void {
  const limits: Array<[string, number, string, string]> = [
    ['<w:tbl', MAX_TABLES, 'tables', 'some dozens'],
    ['<w:tr', MAX_ROWS, 'table rows', 'some hundreds'],
    ['<w:p', MAX_PARAGRAPHS, 'paragraphs', 'some thousands'],
  ]
  for (const [tag, max, what, usual] of limits) {
    const n = countElements(parts, tag)
    if (n > max) throw tooLarge(`the Word document holds ${n} ${what}; a plan holds ${usual}, at most ${max} are read`)
  }
}

async function read(bytes: Buffer, progress?: ParseProgress, profile?: ImportProfile): Promise<DocxParseResult> {
  if (bytes.length === 0) throw malformed(EMPTY_DOCUMENT)
  if (bytes.length > MAX_DOCX_BYTES) throw tooLarge(`the Word document is larger than ${MAX_DOCX_BYTES / (1024 * 1024)} MiB; refused unread`)
  if (!looksLikeZip(bytes)) throw malformed('not a Word document: a .docx is a zip archive, and this file does not start like one')
  const parts = await readZipParts(bytes)
  if (parts.size === 0) throw malformed('not a Word document: the zip archive holds no XML parts')
  refuseDoctypes(parts)
  refuseTooManyElements(parts)
  const blocks = await readWordDocument(bytes)
  const rendered = renderPlanText(blocks)
  if (rendered.characters > MAX_DOCUMENT_BYTES) {
    throw tooLarge(`the Word document's text is larger than ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MiB; plan documents are far smaller`)
  }
  const map = new SourceMap(rendered.sources)
  progress?.total(rendered.lines.length)
  const parsed = parsePlanLines(rendered.lines, { onLine: line => progress?.reach(line), profile })
  const warnings = parsed.warnings.map(w => `${map.describe(w)}: ${w.message}`)
  if (!parsed.ok) return { ok: false, status: 400, reason: parsed.reason, warnings, ...(parsed.suggestedProfile ? { suggestedProfile: parsed.suggestedProfile } : {}) }
  const recognised = parsed.recognised.map(r => ({ at: map.describe({ line: r.line, message: '' }), element: r.element, rule: r.rule }))
  return { ok: true, plan: parsed.plan, warnings, sources: map.plan(parsed.plan), recognised }
}

/**
 * Reads a .docx; never throws: a refusal says why, with its HTTP status. `progress` is told how
 * many paragraphs and table rows the document lays out to, and which one the parser has reached.
 */
export async function parseDocx(bytes: Buffer, progress?: ParseProgress, profile?: ImportProfile): Promise<DocxParseResult> {
  try {
    return await read(bytes, progress, profile)
  } catch (error) {
    if (error instanceof DocxRefusedError) return { ok: false, status: error.statusCode, reason: error.reason, warnings: [] }
    // Whatever else a hostile document provokes is still the document's fault, not the server's.
    return { ok: false, status: 400, reason: `the Word document could not be read: ${error instanceof Error ? error.message : String(error)}`, warnings: [] }
  }
}
