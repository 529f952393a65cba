// The worker task that reads a Word document (run off the main thread by runTask).
import { parseDocx, type DocxParseResult } from './parseDocx.js'

export async function run(input: Uint8Array): Promise<DocxParseResult> {
  return parseDocx(Buffer.from(input.buffer, input.byteOffset, input.byteLength))
}
