// Commands a plan accepts. Ids of new things are chosen by the caller (the application
// layer), so deciding stays a pure function.
import type { BudgetLine, GridNarrativeSection, SourceRef } from './events.js'
import type { Rag, ProgressStatus } from './values/types.js'

export interface CreatePlan { type: 'CreatePlan'; planId: string; partnership: string; year: string; title?: string; source?: { document: string; sha256: string }; /** When the plan document says it was published (YYYY-MM-DD). */ published?: string }
export interface AddGrid { type: 'AddGrid'; gridId: string; number: number; title: string; source?: SourceRef }
export interface RecordGridNarrative { type: 'RecordGridNarrative'; gridId: string; section: GridNarrativeSection; text: string; source?: SourceRef }
export interface RateSelfAssessment { type: 'RateSelfAssessment'; gridId: string; statement: string; rag: string; source?: SourceRef }
export interface RecordGridBudget { type: 'RecordGridBudget'; gridId: string; lines: BudgetLine[]; source?: SourceRef }
/** The plan's own budget lines (not any one grid's). */
export interface RecordPlanBudget { type: 'RecordPlanBudget'; lines: BudgetLine[]; source?: SourceRef }
export interface AddObjective { type: 'AddObjective'; gridId: string; objectiveId: string; number?: string | null; text: string; outcomes?: string[]; source?: SourceRef }
export interface ReviseObjective { type: 'ReviseObjective'; objectiveId: string; number?: string | null; text?: string; outcomes?: string[] }
export interface AddAction { type: 'AddAction'; objectiveId: string; actionId: string; number?: string | null; text: string; due?: string; owners?: string[]; cost?: string; source?: SourceRef }
export interface ReviseAction { type: 'ReviseAction'; actionId: string; number?: string | null; text?: string; due?: string; cost?: string }
export interface WithdrawAction { type: 'WithdrawAction'; actionId: string; reason?: string | null }
export interface AssignOwner { type: 'AssignOwner'; actionId: string; owner: string }
export interface UnassignOwner { type: 'UnassignOwner'; actionId: string; owner: string }
export interface ReportProgress {
  type: 'ReportProgress'
  actionId: string
  /** Required unless `meetingId` names a meeting (then its date is the default). */
  effectiveDate?: string
  note: string
  status?: string | null
  percentComplete?: number | null
  furtherAction?: string | null
  source?: SourceRef
  meetingId?: string
}
export interface SetRag { type: 'SetRag'; actionId: string; rag: string; effectiveDate?: string; reason?: string | null; source?: SourceRef; meetingId?: string }
export interface ProposeRag { type: 'ProposeRag'; actionId: string; rag: string; effectiveDate?: string; reason?: string | null; meetingId?: string }
export interface AcceptRagProposal { type: 'AcceptRagProposal'; actionId: string; reason?: string | null; effectiveDate?: string; meetingId?: string }
export interface RejectRagProposal { type: 'RejectRagProposal'; actionId: string; reason: string; effectiveDate?: string; meetingId?: string }
export interface CreateMeeting { type: 'CreateMeeting'; meetingId: string; date: string; title?: string | null; owners?: string[]; attendees?: string[] }
export interface CloseMeeting { type: 'CloseMeeting'; meetingId: string; notes?: string | null }

/** The application folds the report and hashes it; the decider checks and records the sign-off (plan/signOff.ts). */
export interface SignOffReport {
  type: 'SignOffReport'
  signoffId: string
  quarter: number
  signedBy: string
  note?: string | null
  asOf: string
  reportVersion: number
  contentHash: string
  report: Record<string, unknown>
  signedHead?: Record<string, unknown>
}

export type PlanCommand =
  | CreatePlan
  | AddGrid
  | RecordGridNarrative
  | RateSelfAssessment
  | RecordGridBudget
  | RecordPlanBudget
  | AddObjective
  | ReviseObjective
  | AddAction
  | ReviseAction
  | WithdrawAction
  | AssignOwner
  | UnassignOwner
  | ReportProgress
  | SetRag
  | ProposeRag
  | AcceptRagProposal
  | RejectRagProposal
  | CreateMeeting
  | CloseMeeting
  | SignOffReport

export type PlanCommandType = PlanCommand['type']

export type { Rag, ProgressStatus }
