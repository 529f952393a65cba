// Signed-off quarterly reports, read back from the plan's stream, and their check: each
// sign-off's report is folded again from the events it was folded from (the plan's first
// `reportVersion` events, as recorded at its `asOf`) and hashed; the hash must be the one
// signed, and so must the hash of the report frozen in the event. Pure: the integrity route
// runs it on the store's events, `gridledger verify --file` on an export's.
import { createHash } from 'node:crypto'
import type { ReportSignedOff } from '../../domain/events.js'
import { canonicalJson } from '../../store/hashChain.js'
import type { RecordedPlanEvent } from '../recordedEvent.js'
import type { ActorRef } from './planState.js'
import { quarterlyReport } from './quarterlyReport.js'

export interface SignOff {
  id: string
  quarter: number
  /** The instant the report is as of (as recorded then). */
  asOf: string
  signedBy: string
  note: string | null
  /** sha256 (hex) of the report's canonical JSON. */
  contentHash: string
  /** When the sign-off was recorded, and by which token. */
  signedAt: string
  actor: ActorRef
  /** How many of the plan's events the report was folded from. */
  reportVersion: number
  /** The sign-off's own place in the plan's history. */
  position: number
}

export interface SignedReport extends SignOff {
  /** The quarterly report exactly as signed. */
  report: Record<string, unknown>
}

export interface SignOffCheck {
  id: string
  quarter: number
  position: number
  ok: boolean
  detail?: string
}

/** sha256 hex of a value's canonical JSON: what a sign-off's contentHash is. */
export function contentHashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

/** The sign-offs in a plan's events, oldest first, each with its frozen report. */
export function signedReports(events: Iterable<RecordedPlanEvent>): SignedReport[] {
  const found: SignedReport[] = []
  for (const e of events) {
    if (e.event.type !== 'ReportSignedOff') continue
    const d: ReportSignedOff = e.event.data
    found.push({
      id: d.signoffId, quarter: d.quarter, asOf: d.asOf, signedBy: d.signedBy, note: d.note, contentHash: d.contentHash,
      signedAt: e.recordedAt, actor: { tokenId: e.actor.tokenId ?? null, role: e.actor.role, label: e.actor.label ?? null },
      reportVersion: d.reportVersion, position: e.version, report: d.report,
    })
  }
  return found
}

/** A sign-off without its report (listings). */
export function summaryOf({ report: _report, ...summary }: SignedReport): SignOff {
  return summary
}

/** Replays each sign-off's report from the events it was folded from and compares hashes. */
export function checkSignOffs(events: RecordedPlanEvent[]): SignOffCheck[] {
  return signedReports(events).map(s => {
    const base = { id: s.id, quarter: s.quarter, position: s.position }
    if (contentHashOf(s.report) !== s.contentHash) return { ...base, ok: false, detail: `sign-off ${s.id} (Q${s.quarter}, position ${s.position}): the report stored with it no longer matches its content hash` }
    const replayed = quarterlyReport(events.slice(0, s.reportVersion), { quarter: s.quarter as 1 | 2 | 3 | 4, asOf: s.asOf })
    if (!replayed || contentHashOf(replayed) !== s.contentHash) {
      return { ...base, ok: false, detail: `sign-off ${s.id} (Q${s.quarter}, position ${s.position}): the report replayed as of ${s.asOf} from events 1 to ${s.reportVersion} no longer matches the hash signed` }
    }
    return { ...base, ok: true }
  })
}
