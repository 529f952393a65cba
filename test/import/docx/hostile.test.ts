import t, { type Test } from 'tap'
import { parseDocx, type DocxParseResult } from '../../../src/import/docx/parseDocx.js'
import { MAX_PART_BYTES, MAX_TABLES } from '../../../src/import/docx/limits.js'
import { declareSize, docxFixture, documentXml, makeDocx, para } from './support/docx.js'

// Hostile and broken Word documents: each is refused with a clear reason and the status the
// API answers with, having read no more than the limits allow.

function refused(t: Test, result: DocxParseResult, status: number, reason: RegExp): void {
  if (result.ok) {
    t.fail('read, but should have been refused')
    return
  }
  t.equal(result.status, status, `status ${status}`)
  t.match(result.reason, reason)
  t.comment(result.reason)
}

const plan = documentXml(para('Anytown DAAT') + para('Adult drug treatment plan 2008/09') + para('Planning grid 1: Harm reduction'))

t.test('a zip bomb that declares its size is refused before inflating', async t => {
  const big = documentXml(para('x'.repeat(MAX_PART_BYTES)))
  const bytes = await makeDocx({ 'word/document.xml': big })
  t.ok(bytes.length < 100 * 1024, `small (${bytes.length} bytes zipped, ${big.length} inflated)`)
  refused(t, await parseDocx(bytes), 413, /word\/document\.xml.*declares 16,7\d\d,\d{3} bytes.*16 MiB/)
})

t.test('a zip bomb that lies about its size is stopped while inflating', async t => {
  const big = documentXml(para('x'.repeat(MAX_PART_BYTES * 2)))
  const bytes = declareSize(await makeDocx({ 'word/document.xml': big }), 'word/document.xml', 2000)
  refused(t, await parseDocx(bytes), 413, /word\/document\.xml.*(?:inflates to more or fewer bytes|expands past).*zip bomb/)
})

t.test('many small parts that expand past the total are refused', async t => {
  const parts: Record<string, string> = { 'word/document.xml': plan }
  const filler = `<x>${' '.repeat(MAX_PART_BYTES - 100)}</x>`
  for (let i = 0; i < 3; i++) parts[`word/filler${i}.xml`] = filler
  refused(t, await parseDocx(await makeDocx(parts)), 413, /together/)
})

t.test(`a document of 10,000 tables is refused (at most ${MAX_TABLES})`, async t => {
  const table = '<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>'
  const bytes = await makeDocx({ 'word/document.xml': documentXml(table.repeat(10_000)) })
  refused(t, await parseDocx(bytes), 413, /10000 tables/)
})

t.test('an XML entity expansion (billion laughs) is refused unread', async t => {
  const entities = ['<!ENTITY a0 "lol">']
  for (let i = 1; i < 10; i++) entities.push(`<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`)
  const xml = documentXml(para('&a9;'), `<!DOCTYPE w:document [${entities.join('')}]>`)
  refused(t, await parseDocx(await makeDocx({ 'word/document.xml': xml })), 400, /DTD/)
})

t.test('a document without its main part (word/document.xml)', async t => {
  refused(t, await parseDocx(await makeDocx({ 'word/styles.xml': '<w:styles/>' })), 400, /no main document part/)
})

t.test('not a zip at all, an empty body, a truncated zip, an encrypted-looking entry', async t => {
  refused(t, await parseDocx(Buffer.from('Planning grid 1: this is text, not a Word document\n')), 400, /not a Word document/)
  refused(t, await parseDocx(Buffer.alloc(0)), 400, /empty/)
  const real = docxFixture('slough-2009-10.docx')
  refused(t, await parseDocx(real.subarray(0, real.length >> 1)), 400, /not a Word document|corrupt|cannot be read/)
  refused(t, await parseDocx(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8])), 400, /not a Word document/)
})

t.test('a well-formed Word document that is not a plan is refused as the text would be', async t => {
  const bytes = await makeDocx({ 'word/document.xml': documentXml(para('Minutes of the summer fete committee')) })
  refused(t, await parseDocx(bytes), 400, /not a plan document/)
})

t.test('malformed XML in the main part', async t => {
  refused(t, await parseDocx(await makeDocx({ 'word/document.xml': '<w:document><w:body><w:p>' })), 400, /not a readable Word document|could not be read/)
})

t.test('a small plan made by hand reads', async t => {
  const result = await parseDocx(await makeDocx({ 'word/document.xml': plan }))
  t.ok(result.ok, result.ok ? 'read' : result.reason)
})
