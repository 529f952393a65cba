// The importer's output: a plan document read into grids, objectives and actions, with the
// words kept as written. Dates, pence and owner labels are derived later by the domain's value
// objects (Due, Money, Owners) when the commands are decided.
import type { BudgetLine, GridNarrativeSection } from '../domain/events.js'
import type { ImportProfile } from './profiles/schema.js'
import type { Rag } from '../domain/values/types.js'

/** Something the importer skipped, guessed or found ambiguous, at a 1-based source line. */
export interface ImportWarning {
  line: number
  message: string
  /** Where the line came from, when the document arrived already split (parsePlanLines): "table 2, row 4". */
  source?: string
}

/** Why the reader took a line for what it did: for the dry run. */
export interface Recognition {
  line: number
  element: RecognisedElement
  rule: string
  /** Where the line came from, when the document arrived already split ("table 2, row 4"). */
  source?: string
}

/** A recognition as a dry run shows it: where ("line 12", "table 2, row 4") instead of a line number. */
export interface RecognisedAt {
  at: string
  element: RecognisedElement
  rule: string
}

export const RECOGNISED_ELEMENTS = [
  'partnership', 'year', 'title', 'published', 'grid', 'objective', 'outcome', 'table', 'column', 'action', 'label', 'budget', 'progress', 'self-assessment', 'narrative', 'left out',
] as const
export type RecognisedElement = (typeof RECOGNISED_ELEMENTS)[number]

export interface ParsedProgress {
  note: string
  furtherAction: string | null
  line: number
}

export interface ParsedAction {
  /** "2.4", "1" … as written (without the trailing dot), or null when the row is not numbered. */
  number: string | null
  text: string
  /** "By when" as written. */
  due: string
  /** "By whom" as written. */
  byWhom: string
  /** "By whom", split into labels with the domain's splitOwners. */
  owners: string[]
  /** "Costs/budget" as written. */
  cost: string
  rag: Rag | null
  line: number
  progress?: ParsedProgress
}

export interface ParsedObjective {
  number: string | null
  text: string
  outcomes: string[]
  line: number
  actions: ParsedAction[]
}

export interface ParsedNarrative {
  section: GridNarrativeSection
  text: string
  line: number
}

export interface ParsedSelfAssessment {
  statement: string
  rag: Rag
  line: number
}

export interface ParsedGrid {
  number: number
  title: string
  line: number
  narratives: ParsedNarrative[]
  selfAssessment: ParsedSelfAssessment[]
  budget: { lines: BudgetLine[]; line: number } | null
  objectives: ParsedObjective[]
}

export interface ParsedPlan {
  partnership: string
  /** Normalised to "YYYY/YY". */
  year: string
  title: string
  /** YYYY-MM-DD, when the header says when the plan was published. */
  published?: string
  grids: ParsedGrid[]
  /** Budget lines of the plan as a whole: rows of a budget summary that name no grid. */
  budget?: { lines: BudgetLine[]; line: number }
}

export interface ParseOptions {
  /** Told the source line the reader has reached, as it goes: a caller that stops a slow parse can say where it was. */
  onLine?: (line: number) => void
  /** A user's import profile: its words are added to the built-in profile's. */
  profile?: ImportProfile
}

/** How a worker task says how far it has got (the off-thread runner's TaskProgress, by shape). */
export interface ParseProgress {
  reach(at: number): void
  total(of: number): void
}

export type ParseResult = { ok: true; plan: ParsedPlan; warnings: ImportWarning[]; recognised: Recognition[] } | { ok: false; reason: string; warnings: ImportWarning[]; suggestedProfile?: ImportProfile }
