// Signed-off quarterly reports, read back from the plan's stream, and their check: each
// sign-off's report is folded again from the events it was folded from (the plan's first
// `reportVersion` events, as recorded at its `asOf`) and hashed; the hash must be the one
// signed, and so must the hash of the report frozen in the event. Pure: the integrity route
// runs it on the store's events, `gridledger verify --file` on an export's, in two passes
// (the sign-offs first, then one incremental fold per sign-off) so a large file is never held.
import { createHash } from 'node:crypto'
import type { ReportSignedOff } from '../../domain/events.js'
import type { QuarterNumber } from '../../domain/values/financialYear.js'
import { canonicalJson } from '../../store/hashChain.js'
import type { RecordedPlanEvent } from '../recordedEvent.js'
import { applyToPlanState, type ActorRef, type PlanState } from './planState.js'
import { planQuarter, reportFromState, type QuarterlyReport } from './quarterlyReport.js'

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
  /** The server's signature over the chain's head at reportVersion (null in sign-offs recorded before heads were signed). */
  signedHead: Record<string, unknown> | null
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

/** The sign-off an event records, or null for any other event. */
export function signedReportOf(e: RecordedPlanEvent): SignedReport | null {
  if (e.event.type !== 'ReportSignedOff') return null
  const d: ReportSignedOff = e.event.data
  return {
    id: d.signoffId, quarter: d.quarter, asOf: d.asOf, signedBy: d.signedBy, note: d.note, contentHash: d.contentHash,
    signedAt: e.recordedAt, actor: { tokenId: e.actor.tokenId ?? null, role: e.actor.role, label: e.actor.label ?? null },
    reportVersion: d.reportVersion, position: e.version, signedHead: d.signedHead ?? null, report: d.report,
  }
}

/** The sign-offs in a plan's events, oldest first, each with its frozen report. */
export function signedReports(events: Iterable<RecordedPlanEvent>): SignedReport[] {
  const found: SignedReport[] = []
  for (const e of events) {
    const s = signedReportOf(e)
    if (s) found.push(s)
  }
  return found
}

/** True when the report frozen with the sign-off still hashes to its content hash. */
export function frozenReportMatches(s: SignedReport): boolean {
  return contentHashOf(s.report) === s.contentHash
}

/** A sign-off without its report (listings). */
export function summaryOf({ report: _report, ...summary }: SignedReport): SignOff {
  return summary
}

/** Checks sign-offs against a replay, fed the plan's events in order (once). */
export class SignOffReplay {
  private readonly folds: Array<{ signoff: SignOff; state: PlanState | null; quarter: QuarterlyReport['quarter'] | null; storedOk: boolean }>

  /** `storedOk`: whether the report frozen with the sign-off hashed to its content hash (frozenReportMatches). */
  constructor(signoffs: Array<SignOff & { storedOk: boolean }>) {
    this.folds = signoffs.map(({ storedOk, ...signoff }) => ({ signoff, state: null, quarter: null, storedOk }))
  }

  /** The plan's next event (in stream order). */
  apply(e: RecordedPlanEvent): void {
    for (const f of this.folds) {
      if (e.version > f.signoff.reportVersion) continue
      if (e.event.type === 'PlanCreated' && !f.quarter) f.quarter = planQuarter(e.event.data.year, f.signoff.quarter as QuarterNumber)
      if (!f.quarter) continue
      f.state = applyToPlanState(f.state, e, { asOf: f.signoff.asOf, effectiveOn: f.quarter.to })
    }
  }

  results(): SignOffCheck[] {
    return this.folds.map(({ signoff: s, state, quarter, storedOk }) => {
      const base = { id: s.id, quarter: s.quarter, position: s.position }
      const where = `sign-off ${s.id} (Q${s.quarter}, position ${s.position})`
      if (!storedOk) return { ...base, ok: false, detail: `${where}: the report stored with it no longer matches its content hash` }
      if (state && quarter) {
        state.asOf = s.asOf
        state.effectiveOn = quarter.to
      }
      const replayed = state && quarter ? reportFromState(state, s.quarter as QuarterNumber) : null
      if (!replayed || contentHashOf(replayed) !== s.contentHash) {
        return { ...base, ok: false, detail: `${where}: the report replayed as of ${s.asOf} from events 1 to ${s.reportVersion} no longer matches the hash signed` }
      }
      return { ...base, ok: true }
    })
  }
}

/** Replays each sign-off's report from the events it was folded from and compares hashes. */
export function checkSignOffs(events: RecordedPlanEvent[]): SignOffCheck[] {
  const replay = new SignOffReplay(signedReports(events).map(s => ({ ...summaryOf(s), storedOk: frozenReportMatches(s) })))
  for (const e of events) replay.apply(e)
  return replay.results()
}
