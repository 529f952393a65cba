// Request and response schemas of the auditors' routes (changes, sign-offs, export, keys),
// beside schemas.ts and built from its pieces.
import { z } from 'zod'
import { PROGRESS_STATUSES, RAGS } from '../domain/values/types.js'
import { MAX_SHORT_TEXT, MAX_TEXT } from '../domain/limits.js'
import { dateOut, instantOut } from './responseSchemas.js'
import { calendarDate, Id, instant } from './schemas.js'

export const ChangesQuery = z.strictObject({ from: instant, to: instant, effectiveOn: calendarDate.optional() })

const rag = z.enum(RAGS as [string, ...string[]])
const due = z.object({ text: z.string(), from: z.string().nullable(), to: z.string().nullable() })
const money = z.object({ text: z.string(), pence: z.number().int().nullable() })
const progress = z.object({
  status: z.enum(PROGRESS_STATUSES as [string, ...string[]]).nullable(),
  percentComplete: z.number().int().nullable(),
  note: z.string(),
  furtherAction: z.string().nullable(),
  effectiveDate: dateOut,
  recordedAt: instantOut,
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
  .meta({ id: 'PlanItem', description: 'A grid, objective or (live) action of the plan, flat, with the fields compared' })
export const PlanChanges = z.object({
  from: instantOut,
  to: instantOut,
  added: z.array(PlanItem),
  withdrawn: z.array(PlanItem),
  changed: z.array(z.object({ kind: itemKind, id: z.string(), field: z.string().meta({ example: 'rag' }), before: z.unknown(), after: z.unknown() })),
}).meta({ id: 'PlanChanges', description: 'The plan at `to` compared with the plan at `from`' })

export const SignOffParams = z.strictObject({ planId: Id, signoffId: Id })
export const SignOffBody = z.strictObject({
  quarter: z.number().int().min(1).max(4),
  signedBy: z.string().trim().min(1, 'must not be empty').max(MAX_SHORT_TEXT).meta({ description: 'who signs, as they sign (a name, a role, a board)' }),
  note: z.string().max(MAX_TEXT).optional(),
})
const actorRef = z.object({ tokenId: z.string().nullable(), role: z.string(), label: z.string().nullable() })
export const SignOff = z.object({
  id: z.string(),
  quarter: z.number().int(),
  asOf: instantOut.meta({ description: 'the report is as recorded at this instant' }),
  signedBy: z.string().meta({ example: 'Joint Commissioning Group' }),
  note: z.string().nullable(),
  contentHash: z.string().meta({ description: "sha256 (hex) of the report's canonical JSON (keys sorted at every depth)" }),
  signedAt: instantOut,
  actor: actorRef,
  reportVersion: z.number().int().meta({ description: "the report was folded from the plan's first reportVersion events" }),
  position: z.number().int().meta({ description: "the sign-off's own place in the plan's history" }),
  signedHead: z.record(z.string(), z.unknown()).nullable().meta({ description: "the server's signed chain head at reportVersion (a signed head, see GET …/head)" }),
}).meta({ id: 'SignOff', description: 'A quarterly report frozen with its hash' })
export const SignOffList = z.object({ items: z.array(SignOff) }).meta({ id: 'SignOffList' })
export const SignedReport = SignOff.extend({ report: z.record(z.string(), z.unknown()).meta({ description: 'the quarterly report exactly as signed' }) }).meta({ id: 'SignedReport' })
export const SignOffCreated = SignOff.extend({ version: z.number().int().meta({ description: "The plan's version after the command (also its ETag)", example: 6 }) }).meta({ id: 'SignOffCreated' })

/** The export's lines (application/x-ndjson): not validated on the way out, it is a stream. */
export const ExportLine = z.union([
  z.object({
    kind: z.literal('export'), format: z.string(), planId: z.string(), streamId: z.string(), exportedAt: z.string(), events: z.number().int(), head: z.string(),
    publicKey: z.string(), keyId: z.string(), signedHead: z.record(z.string(), z.unknown()),
  }),
  z.object({
    kind: z.literal('event'), position: z.number().int(), globalPosition: z.number().int(), id: z.string(), type: z.string(), schemaVersion: z.number().int(),
    recordedAt: z.string(), data: z.record(z.string(), z.unknown()), metadata: z.record(z.string(), z.unknown()), hash: z.string(), prevHash: z.string(),
  }),
])
export const ExportDoc = ExportLine.meta({ description: 'application/x-ndjson: one of these objects per line; line 1 is the export line, then one event per line in stream order' }) as z.ZodType<unknown>

export const SignedHead = z
  .object({
    format: z.literal('gridledger-chain-head/1'),
    planId: z.string(),
    streamId: z.string(),
    version: z.number().int().meta({ description: "how many of the plan's events the head covers" }),
    head: z.string().meta({ description: 'the hash of event `version`' }),
    signedAt: instantOut,
    keyId: z.string().meta({ description: "sha256 (hex) of the public key's SPKI DER" }),
    signature: z.string().meta({ description: 'Ed25519 signature (base64) over the canonical JSON of the other fields' }),
  })
  .meta({ id: 'SignedHead', description: "The server's signature over a plan's chain head: keep it to prove later that history up to it was not rewritten" })
export const PublicKeys = z.object({
  items: z.array(z.object({ keyId: z.string(), algorithm: z.literal('Ed25519'), publicKey: z.string().meta({ description: 'SPKI PEM' }) })),
}).meta({ id: 'SigningKeys' })
