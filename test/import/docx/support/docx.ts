// Word documents for the tests: the committed fixtures, and small hand-made ones (jszip) for
// hostile cases.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import JSZip from 'jszip'

export function docxFixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../../fixtures/docx/${name}`, import.meta.url)))
}

export const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`

/** document.xml around a body. */
export function documentXml(body: string, prolog = ''): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${prolog}<w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`
}

export const para = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`

/** A minimal .docx: content types, package relationships, and the given parts. */
export async function makeDocx(parts: Record<string, string | Buffer>, options: { withDocument?: boolean } = {}): Promise<Buffer> {
  const zip = new JSZip()
  zip.file('[Content_Types].xml', CONTENT_TYPES)
  zip.file('_rels/.rels', ROOT_RELS)
  for (const [name, data] of Object.entries(parts)) zip.file(name, data)
  if (options.withDocument === false) zip.remove('word/document.xml')
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } })
}

/**
 * Rewrites the uncompressed size a zip declares for one entry (local header and central
 * directory) to `size`: a zip bomb that lies about how far it expands.
 */
export function declareSize(zip: Buffer, entryName: string, size: number): Buffer {
  const out = Buffer.from(zip)
  const name = Buffer.from(entryName, 'utf8')
  for (let at = 0; at + 46 < out.length; at++) {
    const signature = out.readUInt32LE(at)
    if (signature === 0x04034b50 && out.subarray(at + 30, at + 30 + out.readUInt16LE(at + 26)).equals(name)) out.writeUInt32LE(size, at + 22)
    if (signature === 0x02014b50 && out.subarray(at + 46, at + 46 + out.readUInt16LE(at + 28)).equals(name)) out.writeUInt32LE(size, at + 24)
  }
  return out
}
