// The worker task that reads a plan document's text (run off the main thread by the app's
// runner), saying as it goes which line it has reached.
import { parsePlanDocument } from './parsePlanDocument.js'
import type { ImportProfile } from './profiles/schema.js'
import type { ParseProgress, ParseResult } from './types.js'

export interface TextTaskInput {
  text: string
  /** A user's import profile, added to the built-in one. */
  profile?: ImportProfile
}

function lineCount(text: string): number {
  let n = 1
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

export function run({ text, profile }: TextTaskInput, progress: ParseProgress): ParseResult {
  progress.total(lineCount(text))
  // Checking the whole text (size, binary) comes first: the reader is at line 1 meanwhile.
  progress.reach(1)
  return parsePlanDocument(text, { onLine: line => progress.reach(line), profile })
}
