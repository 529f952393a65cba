// The worker task that reads a Word document (run off the main thread by the app's runner),
// saying as it goes which of the document's paragraphs and table rows it has reached.
import type { ParseProgress } from '../types.js'
import { parseDocx, type DocxParseResult } from './parseDocx.js'

export async function run(input: Uint8Array, progress: ParseProgress): Promise<DocxParseResult> {
  return parseDocx(Buffer.from(input.buffer, input.byteOffset, input.byteLength), progress)
}
