// Request and response schemas of the auditors' routes (changes, sign-offs, export, keys),
// beside schemas.ts and built from its pieces.
import { z } from 'zod'
import { PROGRESS_STATUSES, RAGS } from '../domain/values/types.js'
import { calendarDate, instant } from './schemas.js'

export const ChangesQuery = z.strictObject({ from: instant, to: instant, effectiveOn: calendarDate.optional() })

const rag = z.enum(RAGS as [string, ...string[]])
const due = z.object({ text: z.string(), from: z.string().nullable(), to: z.string().nullable() })
const money = z.object({ text: z.string(), pence: z.number().int().nullable() })
const progress = z.object({
  status: z.enum(PROGRESS_STATUSES as [string, ...string[]]).nullable(),
  percentComplete: z.number().int().nullable(),
  note: z.string(),
  furtherAction: z.string().nullable(),
  effectiveDate: z.string(),
  recordedAt: z.string(),
})
const itemKind = z.enum(['grid', 'objective', 'action'])
export const PlanItem = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('grid'), id: z.string(), number: z.number().int(), title: z.string() }),
    z.object({ kind: z.literal('objective'), id: z.string(), gridId: z.string(), number: z.string().nullable(), text: z.string(), outcomes: z.array(z.string()) }),
    z.object({
      kind: z.literal('action'), id: z.string(), objectiveId: z.string(), number: z.string().nullable(), text: z.string(),
      due, owners: z.array(z.string()), cost: money, rag: rag.nullable(), progress: progress.nullable(),
    }),
  ])
  .meta({ description: 'A grid, objective or (live) action of the plan, flat, with the fields compared' })
export const PlanChanges = z.object({
  from: z.string(),
  to: z.string(),
  added: z.array(PlanItem),
  withdrawn: z.array(PlanItem),
  changed: z.array(z.object({ kind: itemKind, id: z.string(), field: z.string(), before: z.unknown(), after: z.unknown() })),
})
