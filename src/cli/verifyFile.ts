// `gridledger verify --file export.ndjson`: checks an export with nothing but the file (no
// server, no store): exit 0 when it holds, 1 with the first bad line named.
import { createReadStream } from 'node:fs'
import { access } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { verifyExport, type ExportVerdict } from '../app/export/verifyExport.js'

type Out = (line: string) => void

/** The file's lines, streamed (the last newline ends the last line; it starts no empty one). */
function fileLines(path: string): () => AsyncIterable<string> {
  return () => createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
}

export async function verifyFile(path: string, options: { json?: boolean }, out: Out, err: Out): Promise<number> {
  try {
    await access(path)
  } catch {
    err(`no such file: ${path}`)
    return 2
  }
  const verdict = await verifyExport(fileLines(path))
  if (options.json) out(JSON.stringify({ file: path, ...verdict }, null, 2))
  else out(describe(path, verdict))
  return verdict.ok ? 0 : 1
}

function describe(path: string, v: ExportVerdict): string {
  if (!v.ok) return `FAIL ${path}: ${v.detail}`
  const signed = v.signoffs.length ? `, ${v.signoffs.length} sign-off${v.signoffs.length === 1 ? '' : 's'} replayed` : ''
  return `ok   ${path}: plan ${v.planId}, ${v.events} events, head ${v.head}${signed}`
}
