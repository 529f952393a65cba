// Signing off a quarter's report: an editor freezes the quarterly report as the system shows
// it now. The application folds the report and hashes its canonical JSON (the read side's
// work); the decider checks who signs and what, and records it in the plan's own stream, so
// the sign-off is part of the history it vouches for.
import type { Principal } from '../actor.js'
import type { SignOffReport } from '../commands.js'
import { ValidationError } from '../errors.js'
import type { PlanEvent, ReportSignedOff } from '../events.js'
import { MAX_SHORT_TEXT } from '../limits.js'
import type { PlanDecisionState } from './decisionState.js'
import { optionalText, parseFields, text } from './fields.js'
import { requireEditor, requirePlan } from './guards.js'

/** The command parsed: the event's fields but the plan's id. */
export interface ParsedSignOffReport extends Omit<ReportSignedOff, 'planId'> {
  type: 'SignOffReport'
}

export function parseSignOffReport(command: SignOffReport): ParsedSignOffReport {
  const f = parseFields({
    quarter: () => {
      if (command.quarter !== 1 && command.quarter !== 2 && command.quarter !== 3 && command.quarter !== 4) throw ValidationError.field('quarter', 'must be 1, 2, 3 or 4')
      return command.quarter
    },
    signedBy: () => text(command.signedBy, 'signedBy', { max: MAX_SHORT_TEXT }),
    note: () => optionalText(command.note, 'note'),
    asOf: () => {
      if (typeof command.asOf !== 'string' || Number.isNaN(Date.parse(command.asOf))) throw ValidationError.field('asOf', 'must be an ISO instant')
      return new Date(command.asOf).toISOString()
    },
    reportVersion: () => {
      if (!Number.isSafeInteger(command.reportVersion) || command.reportVersion < 1) throw ValidationError.field('reportVersion', 'must be a plan version')
      return command.reportVersion
    },
    contentHash: () => {
      if (typeof command.contentHash !== 'string' || !/^[0-9a-f]{64}$/.test(command.contentHash)) throw ValidationError.field('contentHash', 'must be a sha256 in hex')
      return command.contentHash
    },
  })
  return { type: 'SignOffReport', signoffId: command.signoffId, ...f, report: command.report, note: f.note ?? null, ...(command.signedHead ? { signedHead: command.signedHead } : {}) }
}

export function signOffReport(command: ParsedSignOffReport, state: PlanDecisionState, actor: Principal): PlanEvent[] {
  requireEditor(actor, 'sign off a report')
  const { planId } = requirePlan(state)
  const { signoffId, quarter, signedBy, note, asOf, reportVersion, contentHash, report, signedHead } = command
  return [{ type: 'ReportSignedOff', data: { planId, signoffId, quarter, signedBy, note, asOf, reportVersion, contentHash, report, ...(signedHead ? { signedHead } : {}) } }]
}
