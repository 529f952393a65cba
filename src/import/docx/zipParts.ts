// Opens a .docx (a zip) with yauzl and inflates its XML parts under limits: the sizes the zip
// declares are checked before inflating, and the bytes actually inflated are counted while
// inflating (yauzl also stops an entry that inflates past its declared size), so a zip bomb
// costs at most the limit, never what it would expand to. Media (images) are never inflated.
import yauzl from 'yauzl'
import { MAX_PART_BYTES, MAX_XML_BYTES, MAX_ZIP_ENTRIES } from './limits.js'
import { malformed, tooLarge } from './refusal.js'

const MIB = 1024 * 1024
const inBytes = (bytes: number) => `${bytes.toLocaleString('en-GB')} bytes`
const mib = (bytes: number) => `${bytes / MIB} MiB`

/** The parts a Word reader parses: XML and relationship files. */
function isXmlPart(name: string): boolean {
  return /\.(?:xml|rels)$/i.test(name)
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) reject(malformed(`not a Word document: the file is not a readable zip archive (${error?.message ?? 'no archive'})`))
      else resolve(zip)
    })
  })
}

function inflate(zip: yauzl.ZipFile, entry: yauzl.Entry, room: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(malformed(`part ${entry.fileName} of the Word document cannot be read: ${error?.message ?? 'no data'}`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > room) {
          stream.destroy()
          reject(tooLarge(`part ${entry.fileName} of the Word document expands past ${inBytes(room)} (it declares ${inBytes(entry.uncompressedSize)}): refused as a zip bomb, unread`))
          return
        }
        chunks.push(chunk)
      })
      stream.on('error', (e: Error) => {
        // yauzl's own check: more (or fewer) bytes than the entry declares.
        const lying = /too many bytes|too few bytes|expected/i.test(e.message)
        reject(
          lying
            ? tooLarge(`part ${entry.fileName} of the Word document inflates to more or fewer bytes than the ${inBytes(entry.uncompressedSize)} it declares: refused as a zip bomb, unread`)
            : malformed(`part ${entry.fileName} of the Word document is corrupt: ${e.message}`),
        )
      })
      stream.on('end', () => resolve(Buffer.concat(chunks, size)))
    })
  })
}

/**
 * The XML parts of a .docx by name, each inflated within the limits. Refuses (DocxRefusedError)
 * what is not a zip, an encrypted entry, too many entries, and parts larger than the limits.
 */
export async function readZipParts(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await openZip(bytes)
  {
    if (zip.entryCount > MAX_ZIP_ENTRIES) {
      throw tooLarge(`the Word document's zip holds ${zip.entryCount} entries; a plan has a few dozen, at most ${MAX_ZIP_ENTRIES} are read`)
    }
    const parts = new Map<string, Buffer>()
    let total = 0
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) => reject(malformed(`not a Word document: the zip archive is corrupt (${e.message})`)))
      zip.on('end', () => resolve())
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName
        if (!isXmlPart(name) || name.endsWith('/')) {
          zip.readEntry()
          return
        }
        if (entry.isEncrypted()) {
          reject(malformed(`part ${name} of the Word document is encrypted; save the document without a password`))
          return
        }
        if (entry.uncompressedSize > MAX_PART_BYTES) {
          reject(tooLarge(`part ${name} of the Word document declares ${inBytes(entry.uncompressedSize)} uncompressed; at most ${mib(MAX_PART_BYTES)} per part is read`))
          return
        }
        if (total + entry.uncompressedSize > MAX_XML_BYTES) {
          reject(tooLarge(`the Word document's XML parts declare more than ${mib(MAX_XML_BYTES)} uncompressed together; refused unread`))
          return
        }
        inflate(zip, entry, Math.min(MAX_PART_BYTES, MAX_XML_BYTES - total)).then(
          data => {
            total += data.length
            parts.set(name, data)
            zip.readEntry()
          },
          reject,
        )
      })
      zip.readEntry()
    })
    return parts
  }
}
