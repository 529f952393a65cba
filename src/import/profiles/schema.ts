// What an import profile may hold: a small JSON document of words (heading words, column
// synonyms, partnership endings and labels, header labels, words of tables that hold no actions).
import { z } from 'zod'

const Words = z.array(z.string().min(1).max(80)).max(200)

export const COLUMN_ROLES = ['objnum', 'number', 'progress_action', 'progress', 'further', 'spend', 'when', 'who', 'cost', 'rag', 'action'] as const
export type KnownColumn = (typeof COLUMN_ROLES)[number]

export const ImportProfileSchema = z
  .object({
    name: z.string().min(1).max(80).optional(),
    headings: z.object({ grid: Words.optional(), objective: Words.optional(), objectiveUnnumbered: Words.optional(), page: Words.optional() }).strict().optional(),
    columns: z.object(Object.fromEntries(COLUMN_ROLES.map(r => [r, Words.optional()])) as Record<KnownColumn, z.ZodOptional<typeof Words>>).strict().optional(),
    partnership: z.object({ endings: Words.optional(), labels: Words.optional() }).strict().optional(),
    // Labels of a header's "Label: value" lines other than the partnership's.
    header: z.object({ published: Words.optional(), title: Words.optional() }).strict().optional(),
    tables: z.object({ budget: Words.optional(), selfAssessment: Words.optional(), contacts: Words.optional(), skip: Words.optional() }).strict().optional(),
  })
  .strict()

export type ImportProfile = z.infer<typeof ImportProfileSchema>

/** Validates a profile read from a file or the store; throws with every problem named. */
export function parseProfile(value: unknown): ImportProfile {
  const r = ImportProfileSchema.safeParse(value)
  if (!r.success) throw new Error(`invalid import profile: ${r.error.issues.map(i => `${i.path.join('.') || '(top)'} ${i.message}`).join('; ')}`)
  return r.data
}
