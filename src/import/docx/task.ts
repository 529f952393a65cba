// The worker task that reads a Word document (run off the main thread by the app's runner),
// saying as it goes which of the document's paragraphs and table rows it has reached.
import type { ImportProfile } from '../profiles/schema.js'
import type { ParseProgress } from '../types.js'
import { parseDocx, type DocxParseResult } from './parseDocx.js'

export interface DocxTaskInput {
  bytes: Uint8Array
  /** A user's import profile, added to the built-in one. */
  profile?: ImportProfile
}

export async function run({ bytes, profile }: DocxTaskInput, progress: ParseProgress): Promise<DocxParseResult> {
  return parseDocx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), progress, profile)
}
