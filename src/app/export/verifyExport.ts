// Checking an export file with nothing but the file (and, to trust its signatures, the
// server's public key kept elsewhere): line 1's signed head, each event's place and hash chain
// link, the head line 1 names, every sign-off in it (its frozen report hashed, the report
// folded again from the file's events, the head it signed), and any signed heads an auditor
// kept. Two passes over the lines, each holding one line at a time, so a file of any length is
// checked in flat memory. The first bad line is named (1-based, as an editor shows it).
import { createPublicKey, type KeyObject } from 'node:crypto'
import { fromStored } from '../../projections/recordedEvent.js'
import { frozenReportMatches, signedReportOf, SignOffReplay, summaryOf, type SignOff, type SignOffCheck } from '../../projections/folds/signOffs.js'
import { eventHash, GENESIS_HASH } from '../../store/hashChain.js'
import { isPlainObject } from '../../shared/isPlainObject.js'
import { keyIdOf, signedHeadProblem, type SignedHead } from '../signing/signedHead.js'
import { EXPORT_FORMAT, storedEventOf, type ExportedEvent, type ExportHeader } from './format.js'

export interface HeadCheck {
  /** Where the signed head came from: "line 1", "line N (sign-off …)" or "kept head K". */
  source: string
  version: number
  ok: boolean
  detail?: string
}

export interface ExportVerdict {
  ok: boolean
  planId: string | null
  /** Event lines that checked. */
  events: number
  /** The hash of the last event line that checked. */
  head: string
  firstBadLine?: number
  detail?: string
  /** The key the signatures were checked with, and whether it was given (trusted) or taken from the file. */
  keyId: string | null
  keyTrusted: boolean
  signoffs: Array<SignOffCheck & { line: number }>
  heads: HeadCheck[]
}

export interface VerifyOptions {
  /** The server's public key, kept apart from the file (GET /v1/keys). Without it the file's own key is used, which proves nothing about who signed. */
  publicKey?: KeyObject
  /** Signed heads an auditor kept (GET …/head, a sign-off, an earlier export's line 1): history up to each must be the file's. */
  keptHeads?: unknown[]
}

/** Where the file's lines come from; called once per pass. */
export type LineSource = () => AsyncIterable<string>

class BadLine extends Error {
  constructor(readonly line: number, detail: string) {
    super(detail)
  }
}

function parse(text: string, line: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    if (isPlainObject(value)) return value
  } catch {
    // reported below
  }
  throw new BadLine(line, `line ${line} is not a JSON object`)
}

/** The file's lines with their numbers, the final empty line (after the last newline) left out. */
async function* numbered(source: LineSource): AsyncGenerator<{ n: number; text: string }> {
  let n = 0
  let pendingBlank: number | null = null
  for await (const text of source()) {
    n++
    if (text === '') {
      pendingBlank ??= n
      continue
    }
    if (pendingBlank !== null) throw new BadLine(pendingBlank, `line ${pendingBlank} is empty`)
    yield { n, text }
  }
}

function header(value: Record<string, unknown>): ExportHeader {
  if (value.kind !== 'export' || value.format !== EXPORT_FORMAT) throw new BadLine(1, `line 1 is not the first line of a ${EXPORT_FORMAT} file`)
  for (const key of ['planId', 'streamId', 'head', 'publicKey'] as const) if (typeof value[key] !== 'string') throw new BadLine(1, `line 1 has no ${key}`)
  if (!Number.isSafeInteger(value.events)) throw new BadLine(1, 'line 1 has no event count')
  return value as unknown as ExportHeader
}

/** A signed head to compare with the file's chain at its version (in the second pass). */
interface PendingHead {
  source: string
  /** The line named when it does not match. */
  line: number
  version: number
  head: string
}

export async function verifyExport(source: LineSource, options: VerifyOptions = {}): Promise<ExportVerdict> {
  let top: ExportHeader | null = null
  let key: KeyObject | null = options.publicKey ?? null
  let prev = GENESIS_HASH
  let count = 0
  let lastLine = 1
  const signoffs: Array<SignOff & { storedOk: boolean; line: number }> = []
  const pending: PendingHead[] = []
  const heads: HeadCheck[] = []
  const verdict = (extra: Partial<ExportVerdict>): ExportVerdict => ({
    ok: true, planId: top?.planId ?? null, events: count, head: prev, keyId: key ? keyIdOf(key) : null, keyTrusted: options.publicKey !== undefined, signoffs: [], heads, ...extra,
  })
  /** Checks a signed head's signature and plan now; its hash against the chain later. */
  const signed = (value: unknown, sourceName: string, line: number, version?: number): void => {
    const problem = key ? signedHeadProblem(value, key) : 'there is no key to check it with'
    const h = value as SignedHead
    if (problem) {
      heads.push({ source: sourceName, version: typeof h?.version === 'number' ? h.version : 0, ok: false, detail: problem })
      throw new BadLine(line, `${sourceName}: the signed head does not verify: ${problem}`)
    }
    if (h.planId !== top!.planId || h.streamId !== top!.streamId) throw new BadLine(line, `${sourceName}: the signed head is of plan ${h.planId}, not ${top!.planId}`)
    if (version !== undefined && h.version !== version) throw new BadLine(line, `${sourceName}: the signed head is of version ${h.version}, not ${version}`)
    pending.push({ source: sourceName, line, version: h.version, head: h.head })
  }
  try {
    for await (const { n, text } of numbered(source)) {
      lastLine = n
      const value = parse(text, n)
      if (n === 1) {
        top = header(value)
        try {
          key ??= createPublicKey(top.publicKey)
        } catch {
          throw new BadLine(1, 'line 1: its public key cannot be read')
        }
        if (top.signedHead === undefined) throw new BadLine(1, 'line 1 carries no signed head')
        signed(top.signedHead, 'line 1', 1, top.events)
        if (top.signedHead.head !== top.head) throw new BadLine(1, 'line 1: the signed head is not the head line 1 names')
        for (const [i, kept] of (options.keptHeads ?? []).entries()) {
          if (!options.publicKey) throw new BadLine(1, 'a kept head is checked only against a key kept apart from the file: give the public key too')
          signed(kept, `kept head ${i + 1}`, 1)
          const version = (kept as SignedHead).version
          if (version > top.events) throw new BadLine(top.events + 2, `kept head ${i + 1} covers ${version} events; the file has ${top.events}: events were cut off`)
          pending[pending.length - 1].line = version + 1
        }
        continue
      }
      if (!top) throw new BadLine(1, 'the file is empty')
      if (value.kind !== 'event') throw new BadLine(n, `line ${n} is neither an event nor anything else this format has`)
      const e = value as unknown as ExportedEvent
      const expected = count + 1
      if (expected > top.events) throw new BadLine(n, `line ${n}: more events than line 1 announces (${top.events})`)
      if (e.position !== expected) {
        throw new BadLine(n, typeof e.position === 'number' && e.position > expected ? `line ${n}: event ${expected} is missing or moved (found ${e.position} where it belongs)` : `line ${n}: event ${String(e.position)} is out of order (event ${expected} expected)`)
      }
      if (e.prevHash !== prev) throw new BadLine(n, `line ${n}: event ${expected} does not follow event ${expected - 1}: previous-hash link broken`)
      const stored = storedEventOf(e, top.streamId)
      if (eventHash(prev, top.streamId, expected, stored) !== e.hash) throw new BadLine(n, `line ${n}: event ${expected}'s content does not match its hash (edited after it was exported or recorded)`)
      if (e.type === 'ReportSignedOff') {
        const s = signedReportOf(fromStored(stored))
        if (s) {
          signoffs.push({ ...summaryOf(s), storedOk: frozenReportMatches(s), line: n })
          if (s.signedHead) signed(s.signedHead, `line ${n} (sign-off ${s.id})`, n, s.reportVersion)
          else if (options.publicKey) throw new BadLine(n, `line ${n}: sign-off ${s.id} carries no signed head`)
        }
      }
      prev = e.hash
      count = expected
    }
    if (!top) throw new BadLine(1, 'the file is empty')
    if (count < top.events) throw new BadLine(lastLine + 1, `line ${lastLine + 1}: the file ends after event ${count} of the ${top.events} line 1 announces (truncated)`)
    if (prev !== top.head) throw new BadLine(lastLine, `line ${lastLine}: the chain ends at a head other than the one line 1 names: events were changed and the chain re-hashed`)
  } catch (error) {
    if (error instanceof BadLine) return verdict({ ok: false, firstBadLine: error.line, detail: error.message })
    throw error
  }
  // Second pass: the hashes the signed heads name, and each sign-off's report folded again.
  const wanted = new Map(pending.map(p => [p.version, '']))
  wanted.set(count, prev)
  const replay = new SignOffReplay(signoffs)
  const streamId = top.streamId
  if (signoffs.length > 0 || pending.some(p => p.version !== count)) {
    for await (const { n, text } of numbered(source)) {
      if (n === 1) continue
      const e = JSON.parse(text) as ExportedEvent
      if (wanted.has(e.position)) wanted.set(e.position, e.hash)
      if (signoffs.length) replay.apply(fromStored(storedEventOf(e, streamId)))
    }
  }
  const failures: Array<{ line: number; detail: string }> = []
  for (const p of pending) {
    const ok = wanted.get(p.version) === p.head
    const detail = ok ? undefined : `${p.source}: the chain's hash at event ${p.version} is not the head signed: history up to it was rewritten`
    heads.push({ source: p.source, version: p.version, ok, ...(detail ? { detail } : {}) })
    if (detail) failures.push({ line: p.line, detail })
  }
  const lineOf = new Map(signoffs.map(s => [s.id, s.line]))
  const checks = replay.results().map(c => ({ ...c, line: lineOf.get(c.id)! }))
  for (const c of checks) if (!c.ok) failures.push({ line: c.line, detail: `line ${c.line}: ${c.detail}` })
  failures.sort((a, b) => a.line - b.line)
  return verdict({ signoffs: checks, ...(failures.length ? { ok: false, firstBadLine: failures[0].line, detail: failures[0].detail } : {}) })
}
