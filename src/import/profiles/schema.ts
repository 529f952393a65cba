// What an import profile may hold: a small JSON document of the words plans use for their
// structure. Every key is a list of words or phrases (numberWords: words with their numbers);
// a user's profile adds to the built-in one (profiles/default.ts), key by key. What each key
// means, and how its words are matched, is documented where the built-in words are given.
import { z } from 'zod'

const Words = z.array(z.string().min(1).max(80)).max(200)

export const COLUMN_ROLES = ['objnum', 'number', 'progress_action', 'progress', 'further', 'spend', 'when', 'who', 'cost', 'rag', 'action'] as const
export type KnownColumn = (typeof COLUMN_ROLES)[number]

/** The parts of a grid a heading may open (see matchSectionHeading). */
export const SECTION_KINDS = ['selfAssessment', 'gapAnalysis', 'keyPriorities', 'guidance', 'objectivesList', 'outcomes', 'actions', 'progress', 'note', 'spend'] as const
export type SectionKind = (typeof SECTION_KINDS)[number]

/** A group of keys, each a list of words with what its words mean (the JSON Schema's descriptions). */
const group = <K extends string>(keys: Record<K, string>) =>
  z.object(Object.fromEntries(Object.entries<string>(keys).map(([k, about]) => [k, Words.describe(about).optional()])) as Record<K, z.ZodOptional<typeof Words>>).strict()

const PHRASES = 'Phrases matched against a header\'s words: a word matches a word starting with it ("resourc" → "Resources"), a one-letter word only itself; "^" anchors a phrase at the start, "$" at the end.'
const SECTION = 'Whole words at the start of a line (after any "Box N"); a phrase ending in "$" only alone on its line.'

const COLUMN_ABOUT: Record<KnownColumn, string> = {
  objnum: 'the objective number column of a table packing an objective\'s actions in one cell',
  number: 'the action number column ("Ref": "A1.1")',
  progress_action: 'the action column of a progress report table ("Action point")',
  progress: 'the progress note column ("Progress to date")',
  further: 'the further action column of a progress report',
  spend: 'the amount columns of a budget table ("Planned spend 2006/07")',
  when: 'the by-when column ("By when", "Timescale"); also the label of a "Timescale: …" line',
  who: 'the by-whom (owners) column ("By whom", "Lead"); also the label of a "Lead: …" line',
  cost: 'the cost column ("Cost", "Resources")',
  rag: 'the RAG rating column',
  action: 'the action text column ("Action", "Milestone"); alone with a colon it heads actions ("Actions:")',
}

export const ImportProfileSchema = z
  .object({
    $schema: z.string().max(500).optional().describe('Where this schema is, for editors that check the file as it is written.'),
    name: z.string().min(1).max(80).optional().describe('The profile\'s name, shown nowhere in a plan.'),
    headings: group({
      grid: 'Whole words before a grid\'s number: "Planning grid 1", "SECTION A –".',
      objective: 'Whole words before an objective\'s number: "Priority A1:", "Aim 2.1".',
      objectiveUnnumbered: 'Objective words that head an objective without a number: "Objective: …".',
      page: 'Whole words of page-number lines left between pages, skipped: "Page 3".',
      pageOf: 'Between a page\'s number and the number of pages: "Page 3 of 9".',
      numberPrefix: 'Between an objective word and its number: "Objective No. 3".',
      box: 'A template\'s box number before a heading or a column header, dropped: "Box 3: Planned spend".',
      continuesSentence: 'After "Section 3" with no separator, words that make the line a sentence, not a heading: "Section 3 of the guidance".',
    })
      .extend({ numberWords: z.record(z.string().min(1).max(40), z.number().int().min(1).max(999)).optional().describe('Number words of headings and the numbers they stand for: {"one": 1} reads "PLANNING GRID ONE".') })
      .strict()
      .optional()
      .describe('Headings of grids and objectives.'),
    sections: group({
      selfAssessment: `Self-assessment headings (the line's other words are not kept). ${SECTION}`,
      gapAnalysis: `Gap analysis headings (the rest of the line is its first text). ${SECTION}`,
      keyPriorities: `Key priorities headings. ${SECTION}`,
      guidance: `Guidance headings (a line under 60 characters). ${SECTION}`,
      objectivesList: 'Headings of a numbered list of objectives, alone on their line or followed by a sections.for word: "Objectives for 2003/04".',
      outcomes: `Expected outcomes headings (the rest of the line, after a year, is the first outcome). ${SECTION}`,
      actions: 'Headings of the actions, alone on their line: "Delivery plan".',
      progress: `Progress report headings. ${SECTION}`,
      note: 'A note kept as guidance, followed by a colon: "Note: …".',
      spend: `Budget box headings naming a figure ("Planned spend 2006/07: £5,000"). ${SECTION}`,
      for: 'Before what a heading is for: "Objectives for 2003/04", "Expected outcomes for 2017-18".',
    })
      .optional()
      .describe('Headings of a grid\'s parts.'),
    columns: group(Object.fromEntries(COLUMN_ROLES.map(role => [role, `${PHRASES} Header words of ${COLUMN_ABOUT[role]}.`])) as Record<KnownColumn, string>)
      .optional()
      .describe('Column header words per role, tried in this order.'),
    rows: group({
      update: 'Whole words starting an action table row that is the progress note of the action above: "Update: …".',
      crossReference: 'Whole words starting a row that points elsewhere ("See grid 2"), when it names a rows.crossReferenceTo word within 120 characters.',
      crossReferenceTo: 'What a cross-reference row names: "grid", "above".',
      actionNumber: 'Before an action\'s number in a progress comment: "Action 1.2 completed".',
    })
      .optional()
      .describe('Rows of an action table that are not actions.'),
    spend: group({ likely: 'Words anywhere in a budget heading that make it last year\'s likely spend (outturn), whatever its year.' })
      .optional()
      .describe('Budget figures.'),
    rag: group({
      red: 'Words (or letters) a cell holds alone to rate red; in running text only words of two letters or more, capitalised or in capitals.',
      amber: 'As rag.red, for amber.',
      green: 'As rag.red, for green.',
      ratedAfter: 'After these a rating stays part of its sentence: "was Amber".',
    })
      .optional()
      .describe('RAG ratings.'),
    partnership: group({
      endings: `${PHRASES} The last words of a line naming the partnership: "Ealing DAAT".`,
      labels: 'Labels before the partnership\'s name, matched loosely: "Partnership name: Croydon".',
    })
      .optional()
      .describe('How a plan names its partnership.'),
    header: group({
      published: 'Labels of the publication date line, matched loosely: "Date published: 1 October 2007".',
      title: 'Labels of the title line, matched loosely: "Title: …".',
      labelFiller: 'Words a header label may hold besides its own: "Name of the partnership".',
      titleWords: 'A short line with one of these words and a year names the plan: "Treatment Plan 2003/04".',
    })
      .optional()
      .describe('The header\'s "Label: value" lines and title.'),
    owners: group({
      wholeNames: 'Names in a "By whom" cell whose "&" or "and" is part of one owner\'s name, not a divider between owners: "drug & alcohol" keeps "Drug & Alcohol Action Team" (and "Drug and Alcohol Action Team") whole. Whole words in any case; "&" in a phrase stands for "&" or "and".',
    })
      .optional()
      .describe('Owners named in a "By whom" cell.'),
    tables: group({
      budget: `${PHRASES} Header words of budget tables.`,
      selfAssessment: `${PHRASES} Header words of self-assessment tables.`,
      contacts: `${PHRASES} Header words of contact lists (left out).`,
      skip: `${PHRASES} Header words of tables to leave out.`,
    })
      .optional()
      .describe('Tables that hold no actions.'),
  })
  .strict()
  .describe('A gridledger import profile: the words a partnership\'s plans use for their structure, added to the built-in ones.')

export type ImportProfile = z.infer<typeof ImportProfileSchema>

type Complete<T> = { [K in keyof T]-?: NonNullable<T[K]> }
/** A profile with every group and key present: the built-in one, and any profile merged with it. */
export type FullProfile = { name: string } & { [G in Exclude<keyof ImportProfile, 'name' | '$schema'>]-?: Complete<NonNullable<ImportProfile[G]>> }

/** Validates a profile read from a file or the store; throws with every problem named. */
export function parseProfile(value: unknown): ImportProfile {
  const r = ImportProfileSchema.safeParse(value)
  if (!r.success) throw new Error(`invalid import profile: ${r.error.issues.map(i => `${i.path.join('.') || '(top)'} ${i.message}`).join('; ')}`)
  return r.data
}
