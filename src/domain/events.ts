// The plan's event catalogue. Events are past-tense facts, each self-describing: a reader
// of the audit history needs no other context. Every event type carries a schema version;
// when a shape changes, bump the version, keep the old shape's type here, and add an upcaster
// (see upcast.ts) — stored history is never rewritten.
import type { Due, Money, ProgressStatus, Rag } from './values/types.js'

/** Where an imported item came from: the document's content hash and 1-based line. */
export interface SourceRef {
  document: string
  line: number
}

interface PlanScoped {
  planId: string
}
interface GridScoped extends PlanScoped {
  gridId: string
}
interface ObjectiveScoped extends GridScoped {
  objectiveId: string
}
interface ActionScoped extends ObjectiveScoped {
  actionId: string
}

export interface PlanCreated extends PlanScoped {
  partnership: string
  year: string
  title: string
  source?: { document: string; sha256: string }
  /** When the plan document says it was published (YYYY-MM-DD); absent when it does not say. */
  published?: string
}
export interface GridAdded extends GridScoped {
  number: number
  title: string
  source?: SourceRef
}
/** Narrative material of a grid: guidance, gap analysis, key priorities, self-assessment summary. */
export interface GridNarrativeRecorded extends GridScoped {
  section: GridNarrativeSection
  text: string
  source?: SourceRef
}
/** The sections of a grid's narrative, in the order a plan document gives them. */
export const GRID_NARRATIVE_SECTIONS = ['guidance', 'self_assessment', 'gap_analysis', 'key_priorities', 'other'] as const
export type GridNarrativeSection = (typeof GRID_NARRATIVE_SECTIONS)[number]
export interface SelfAssessmentRated extends GridScoped {
  statement: string
  rag: Rag
  source?: SourceRef
}
export interface BudgetLine {
  label: string
  plannedLastYear: Money | null
  likelyLastYear: Money | null
  plannedThisYear: Money | null
}
export interface GridBudgetRecorded extends GridScoped {
  lines: BudgetLine[]
  source?: SourceRef
}
/** Budget lines of the plan as a whole (a budget summary's rows that name no grid, a plan total). */
export interface PlanBudgetRecorded extends PlanScoped {
  lines: BudgetLine[]
  source?: SourceRef
}
export interface ObjectiveAdded extends ObjectiveScoped {
  number: string | null
  text: string
  outcomes: string[]
  source?: SourceRef
}
export interface ObjectiveRevised extends ObjectiveScoped {
  changes: { number?: string | null; text?: string; outcomes?: string[] }
}
export interface ActionAdded extends ActionScoped {
  number: string | null
  text: string
  due: Due
  owners: string[]
  cost: Money
  source?: SourceRef
}
export interface ActionRevised extends ActionScoped {
  changes: { number?: string | null; text?: string; due?: Due; cost?: Money }
}
export interface ActionWithdrawn extends ActionScoped {
  reason: string | null
}
export interface OwnerAssigned extends ActionScoped {
  owner: string
}
export interface OwnerUnassigned extends ActionScoped {
  owner: string
}
export interface ProgressReported extends ActionScoped {
  effectiveDate: string
  status: ProgressStatus | null
  percentComplete: number | null
  note: string
  furtherAction: string | null
  source?: SourceRef
  /** The monitoring meeting that recorded it, when one did. */
  meetingId?: string
}
export interface RagSet extends ActionScoped {
  rag: Rag
  effectiveDate: string
  reason: string | null
  source?: SourceRef
  meetingId?: string
  /** True when the rating is a provider's proposal accepted (rag is the proposal's). */
  acceptsProposal?: true
}
export interface RagProposed extends ActionScoped {
  rag: Rag
  effectiveDate: string
  reason: string | null
  meetingId?: string
}
/** A provider's proposal turned down: the proposal is closed, the RAG in force stays. */
export interface RagProposalRejected extends ActionScoped {
  /** The rating proposed. */
  rag: Rag
  effectiveDate: string
  reason: string
  meetingId?: string
}
interface MeetingScoped extends PlanScoped {
  meetingId: string
  /** The day the meeting is (or was) held: its decisions' default effective date. */
  date: string
}
/** A contract monitoring meeting: the providers in scope (none = the whole plan) and who attends. */
export interface MeetingCreated extends MeetingScoped {
  title: string
  owners: string[]
  attendees: string[]
}
/** The meeting takes no more decisions. */
export interface MeetingClosed extends MeetingScoped {
  notes: string | null
}

/**
 * A quarter's report signed off: the report as recorded at `asOf`, folded from the plan's first
 * `reportVersion` events, frozen here with the sha256 of its canonical JSON.
 */
export interface ReportSignedOff extends PlanScoped {
  signoffId: string
  quarter: 1 | 2 | 3 | 4
  signedBy: string
  note: string | null
  asOf: string
  reportVersion: number
  contentHash: string
  report: Record<string, unknown>
  /** The server's signature over the chain's head at `reportVersion` (absent in sign-offs recorded before heads were signed). */
  signedHead?: Record<string, unknown>
}

export interface PlanEventMap {
  PlanCreated: PlanCreated
  GridAdded: GridAdded
  GridNarrativeRecorded: GridNarrativeRecorded
  SelfAssessmentRated: SelfAssessmentRated
  GridBudgetRecorded: GridBudgetRecorded
  ObjectiveAdded: ObjectiveAdded
  ObjectiveRevised: ObjectiveRevised
  ActionAdded: ActionAdded
  ActionRevised: ActionRevised
  ActionWithdrawn: ActionWithdrawn
  OwnerAssigned: OwnerAssigned
  OwnerUnassigned: OwnerUnassigned
  ProgressReported: ProgressReported
  RagSet: RagSet
  RagProposed: RagProposed
  RagProposalRejected: RagProposalRejected
  MeetingCreated: MeetingCreated
  MeetingClosed: MeetingClosed
  ReportSignedOff: ReportSignedOff
  PlanBudgetRecorded: PlanBudgetRecorded
}
export type PlanEventType = keyof PlanEventMap

/** A decided event: type and data. The command handler adds id, actor, recorded time. */
export type PlanEvent = { [K in PlanEventType]: { type: K; data: PlanEventMap[K] } }[PlanEventType]

/** Current schema version of each event type. */
export const PLAN_EVENT_VERSIONS: Record<PlanEventType, number> = {
  PlanCreated: 1,
  GridAdded: 1,
  GridNarrativeRecorded: 1,
  SelfAssessmentRated: 1,
  GridBudgetRecorded: 1,
  ObjectiveAdded: 1,
  ObjectiveRevised: 1,
  ActionAdded: 1,
  ActionRevised: 1,
  ActionWithdrawn: 1,
  OwnerAssigned: 1,
  OwnerUnassigned: 1,
  ProgressReported: 1,
  RagSet: 1,
  RagProposed: 1,
  RagProposalRejected: 1,
  MeetingCreated: 1,
  MeetingClosed: 1,
  ReportSignedOff: 1,
  PlanBudgetRecorded: 1,
}

export const PLAN_EVENT_TYPES = Object.keys(PLAN_EVENT_VERSIONS) as PlanEventType[]

export function isPlanEventType(type: string): type is PlanEventType {
  return Object.prototype.hasOwnProperty.call(PLAN_EVENT_VERSIONS, type)
}

/** The effective date an event carries, for those that are true as of a date. */
export function effectiveDateOf(event: PlanEvent): string | null {
  switch (event.type) {
    case 'ProgressReported':
    case 'RagSet':
    case 'RagProposed':
    case 'RagProposalRejected':
      return event.data.effectiveDate
    case 'MeetingCreated':
    case 'MeetingClosed':
      return event.data.date
    default:
      return null
  }
}
