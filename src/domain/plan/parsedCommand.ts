// Commands as the decider takes them: every field already parsed (trimmed, within its limits,
// of its type, defaults filled in). What needs the plan's state (the due period needs the
// plan's year) or the actor stays for the decider.
import type { BudgetLine, GridNarrativeSection, SourceRef } from '../events.js'
import type { FinancialYear } from '../values/financialYear.js'
import type { Money, ProgressStatus, Rag } from '../values/types.js'
import type { ParsedSignOffReport } from './signOff.js'

interface Sourced {
  source?: SourceRef
}

export interface ParsedCreatePlan { type: 'CreatePlan'; planId: string; partnership: string; year: FinancialYear; title: string; source?: { document: string; sha256: string }; published?: string }
export interface ParsedAddGrid extends Sourced { type: 'AddGrid'; gridId: string; number: number; title: string }
export interface ParsedRecordGridNarrative extends Sourced { type: 'RecordGridNarrative'; gridId: string; section: GridNarrativeSection; text: string }
export interface ParsedRateSelfAssessment extends Sourced { type: 'RateSelfAssessment'; gridId: string; statement: string; rag: Rag }
export interface ParsedRecordGridBudget extends Sourced { type: 'RecordGridBudget'; gridId: string; lines: BudgetLine[] }
export interface ParsedRecordPlanBudget extends Sourced { type: 'RecordPlanBudget'; lines: BudgetLine[] }
export interface ParsedAddObjective extends Sourced { type: 'AddObjective'; gridId: string; objectiveId: string; number: string | null; text: string; outcomes: string[] }
export interface ObjectiveChanges { number?: string | null; text?: string; outcomes?: string[] }
export interface ParsedReviseObjective { type: 'ReviseObjective'; objectiveId: string; changes: ObjectiveChanges }
/** `dueWords`: the "by when" words; the decider derives the period from them and the plan's year. */
export interface ParsedAddAction extends Sourced { type: 'AddAction'; objectiveId: string; actionId: string; number: string | null; text: string; dueWords: string; owners: string[]; cost: Money }
export interface ActionChanges { number?: string | null; text?: string; dueWords?: string; cost?: Money }
export interface ParsedReviseAction { type: 'ReviseAction'; actionId: string; changes: ActionChanges }
export interface ParsedWithdrawAction { type: 'WithdrawAction'; actionId: string; reason: string | null }
export interface ParsedAssignOwner { type: 'AssignOwner'; actionId: string; owner: string }
export interface ParsedUnassignOwner { type: 'UnassignOwner'; actionId: string; owner: string }
/** A decision may name the monitoring meeting that took it; its date is then the default effective date. */
export interface InMeeting {
  meetingId: string | null
}
export interface ParsedReportProgress extends Sourced, InMeeting {
  type: 'ReportProgress'
  actionId: string
  /** Null only with a meeting: the decider fills in the meeting's date. */
  effectiveDate: string | null
  note: string
  status: ProgressStatus | null
  percentComplete: number | null
  furtherAction: string | null
}
/** `effectiveDate` null only with a meeting: the decider fills in the meeting's date. */
export interface Rating extends InMeeting { rag: Rag; effectiveDate: string | null; reason: string | null }
export interface ParsedSetRag extends Sourced, Rating { type: 'SetRag'; actionId: string }
export interface ParsedProposeRag extends Rating { type: 'ProposeRag'; actionId: string }
export interface ProposalVerdict extends InMeeting { effectiveDate: string | null; reason: string | null }
export interface ParsedAcceptRagProposal extends ProposalVerdict { type: 'AcceptRagProposal'; actionId: string }
export interface ParsedRejectRagProposal extends ProposalVerdict { type: 'RejectRagProposal'; actionId: string; reason: string }
export interface ParsedCreateMeeting { type: 'CreateMeeting'; meetingId: string; date: string; title: string; owners: string[]; attendees: string[] }
export interface ParsedCloseMeeting { type: 'CloseMeeting'; meetingId: string; notes: string | null }

export type ParsedPlanCommand =
  | ParsedCreatePlan
  | ParsedAddGrid
  | ParsedRecordGridNarrative
  | ParsedRateSelfAssessment
  | ParsedRecordGridBudget
  | ParsedRecordPlanBudget
  | ParsedAddObjective
  | ParsedReviseObjective
  | ParsedAddAction
  | ParsedReviseAction
  | ParsedWithdrawAction
  | ParsedAssignOwner
  | ParsedUnassignOwner
  | ParsedReportProgress
  | ParsedSetRag
  | ParsedProposeRag
  | ParsedAcceptRagProposal
  | ParsedRejectRagProposal
  | ParsedCreateMeeting
  | ParsedCloseMeeting
  | ParsedSignOffReport
