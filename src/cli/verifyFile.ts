// `gridledger verify --file export.ndjson`: checks an export with nothing but the file (no
// server, no store): exit 0 when it holds, 1 with the first bad line named.
import { createReadStream } from 'node:fs'
import { access, readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { verifyExport, type ExportVerdict, type VerifyOptions } from '../app/export/verifyExport.js'
import { publicKeyFrom } from '../app/signing/signedHead.js'

type Out = (line: string) => void

/** The file's lines, streamed (the last newline ends the last line; it starts no empty one). */
function fileLines(path: string): () => AsyncIterable<string> {
  return () => createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })
}

export async function verifyFile(path: string, options: { json?: boolean; key?: string; heads?: string[] }, out: Out, err: Out): Promise<number> {
  const check: VerifyOptions = {}
  try {
    await access(path)
    if (options.key) check.publicKey = publicKeyFrom(await readFile(options.key, 'utf8'))
    if (options.heads?.length) check.keptHeads = await Promise.all(options.heads.map(async h => JSON.parse(await readFile(h, 'utf8')) as unknown))
  } catch (error) {
    err(`cannot read ${(error as NodeJS.ErrnoException).path ?? path}: ${(error as Error).message}`)
    return 2
  }
  if (check.keptHeads && !check.publicKey) {
    err('--head needs --key: a kept head proves something only against a key kept apart from the file')
    return 2
  }
  const verdict = await verifyExport(fileLines(path), check)
  if (options.json) out(JSON.stringify({ file: path, ...verdict }, null, 2))
  else out(describe(path, verdict))
  return verdict.ok ? 0 : 1
}

function describe(path: string, v: ExportVerdict): string {
  if (!v.ok) return `FAIL ${path}: ${v.detail}`
  const signed = v.signoffs.length ? `, ${v.signoffs.length} sign-off${v.signoffs.length === 1 ? '' : 's'} replayed` : ''
  const heads = `${v.heads.length} signed head${v.heads.length === 1 ? '' : 's'} checked`
  const key = v.keyTrusted
    ? `with key ${v.keyId}`
    : `with the key the file carries (${v.keyId}), which anyone who edits the file can replace: give --key to trust the signatures`
  return `ok   ${path}: plan ${v.planId}, ${v.events} events, head ${v.head}${signed}, ${heads} ${key}`
}
