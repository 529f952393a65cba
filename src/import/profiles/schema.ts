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

const group = <K extends string>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map(k => [k, Words.optional()])) as Record<K, z.ZodOptional<typeof Words>>).strict()

export const ImportProfileSchema = z
  .object({
    name: z.string().min(1).max(80).optional(),
    headings: group(['grid', 'objective', 'objectiveUnnumbered', 'page', 'pageOf', 'numberPrefix', 'box', 'continuesSentence'] as const)
      .extend({ numberWords: z.record(z.string().min(1).max(40), z.number().int().min(1).max(999)).optional() })
      .strict()
      .optional(),
    sections: group([...SECTION_KINDS, 'for'] as const).optional(),
    columns: group(COLUMN_ROLES).optional(),
    rows: group(['update', 'crossReference', 'crossReferenceTo', 'actionNumber'] as const).optional(),
    spend: group(['likely'] as const).optional(),
    rag: group(['red', 'amber', 'green', 'ratedAfter'] as const).optional(),
    partnership: group(['endings', 'labels'] as const).optional(),
    // Labels of a header's "Label: value" lines other than the partnership's, and the words of a plan's title line.
    header: group(['published', 'title', 'labelFiller', 'titleWords'] as const).optional(),
    tables: group(['budget', 'selfAssessment', 'contacts', 'skip'] as const).optional(),
  })
  .strict()

export type ImportProfile = z.infer<typeof ImportProfileSchema>

type Complete<T> = { [K in keyof T]-?: NonNullable<T[K]> }
/** A profile with every group and key present: the built-in one, and any profile merged with it. */
export type FullProfile = { name: string } & { [G in Exclude<keyof ImportProfile, 'name'>]-?: Complete<NonNullable<ImportProfile[G]>> }

/** Validates a profile read from a file or the store; throws with every problem named. */
export function parseProfile(value: unknown): ImportProfile {
  const r = ImportProfileSchema.safeParse(value)
  if (!r.success) throw new Error(`invalid import profile: ${r.error.issues.map(i => `${i.path.join('.') || '(top)'} ${i.message}`).join('; ')}`)
  return r.data
}
