// Checking an export file with nothing but the file: its first line, each event's place and
// hash chain link, the head the first line names, and every sign-off in it (its frozen report
// hashed, and the report folded again from the file's events). Two passes over the lines, each
// holding one line at a time, so a file of any length is checked in flat memory. The first bad
// line is named (1-based, as an editor shows it).
import { fromStored } from '../../projections/recordedEvent.js'
import { frozenReportMatches, signedReportOf, SignOffReplay, summaryOf, type SignOff, type SignOffCheck } from '../../projections/folds/signOffs.js'
import { eventHash, GENESIS_HASH } from '../../store/hashChain.js'
import { isPlainObject } from '../../shared/isPlainObject.js'
import { EXPORT_FORMAT, storedEventOf, type ExportedEvent, type ExportHeader } from './format.js'

export interface ExportVerdict {
  ok: boolean
  planId: string | null
  /** Event lines that checked. */
  events: number
  /** The hash of the last event line that checked. */
  head: string
  firstBadLine?: number
  detail?: string
  signoffs: Array<SignOffCheck & { line: number }>
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
  for (const key of ['planId', 'streamId', 'head'] as const) if (typeof value[key] !== 'string') throw new BadLine(1, `line 1 has no ${key}`)
  if (!Number.isSafeInteger(value.events)) throw new BadLine(1, 'line 1 has no event count')
  return value as unknown as ExportHeader
}

export async function verifyExport(source: LineSource): Promise<ExportVerdict> {
  let top: ExportHeader | null = null
  let prev = GENESIS_HASH
  let count = 0
  let lastLine = 1
  const signoffs: Array<SignOff & { storedOk: boolean; line: number }> = []
  const verdict = (extra: Partial<ExportVerdict>): ExportVerdict => ({ ok: true, planId: top?.planId ?? null, events: count, head: prev, signoffs: [], ...extra })
  try {
    for await (const { n, text } of numbered(source)) {
      lastLine = n
      const value = parse(text, n)
      if (n === 1) {
        top = header(value)
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
        if (s) signoffs.push({ ...summaryOf(s), storedOk: frozenReportMatches(s), line: n })
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
  if (signoffs.length === 0) return verdict({})
  // Second pass: fold each sign-off's report again from the file's events.
  const replay = new SignOffReplay(signoffs)
  const streamId = top.streamId
  for await (const { n, text } of numbered(source)) {
    if (n > 1) replay.apply(fromStored(storedEventOf(JSON.parse(text) as ExportedEvent, streamId)))
  }
  const lineOf = new Map(signoffs.map(s => [s.id, s.line]))
  const checks = replay.results().map(c => ({ ...c, line: lineOf.get(c.id)! }))
  const bad = checks.find(c => !c.ok)
  return verdict({ signoffs: checks, ...(bad ? { ok: false, firstBadLine: bad.line, detail: `line ${bad.line}: ${bad.detail}` } : {}) })
}
