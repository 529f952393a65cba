// Importing a plan document: parse it on a worker thread within the import budget (text and
// Word documents alike), turn it into ordinary commands, and record them as one atomic append
// with actor label "import". The plan id derives from the document's content hash, so
// importing the same document twice meets the existing plan (409) unless forced.
import type { Principal } from '../domain/actor.js'
import { ConflictError, ValidationError } from '../domain/errors.js'
import { decideCommand, evolve, initialState } from '../domain/planDecider.js'
import { londonDate } from '../domain/values/calendarDate.js'
import { requirePartnershipInScope } from '../domain/visibility.js'
import {
  DEFAULT_IMPORT_BUDGET_MS,
  DOCX_TASK,
  IMPORT_WORKER_MEMORY,
  planCommands,
  TEXT_TASK,
  type ImportProfile,
  type ImportWarning,
  type ParsedPlan,
  type ParseResult,
  type RecognisedAt,
  type TextTaskInput,
} from '../import/index.js'
import { attachSources, DocxRefusedError, type DocxParseResult, type DocxTaskInput, type PlanSources } from '../import/docx/index.js'
import { ImportProfiles } from './importProfiles.js'
import { runTask, type TaskBudget } from './offThread/runTask.js'
import { projectPlanState } from '../projections/folds/planState.js'
import { withSuggestedRags, type PlanRead } from '../projections/folds/suggestedRags.js'
import { planStreamId } from '../domain/planStream.js'
import type { RecordedPlanEvent } from '../projections/recordedEvent.js'
import type { EventStore } from '../store/eventStore.js'
import type { Clock } from './clock.js'
import type { CommandHandler } from './commandHandler.js'
import { derivedId, newId, sha256Hex } from './ids.js'

export interface ImportCounts {
  grids: number
  objectives: number
  actions: number
}

export interface ImportResult {
  planId: string
  counts: ImportCounts
  warnings: string[]
  /** Dry runs only: the plan as it would be recorded, in the plan-state shape without ids. */
  plan?: unknown
  /** Dry runs only: each recognised element, where it is and the rule that recognised it. */
  recognised?: RecognisedAt[]
}

export interface ImportOptions {
  dryRun?: boolean
  force?: boolean
  /** A user's import profile (read from a file), added to the built-in one. */
  profile?: ImportProfile
  /** Or the name of a profile stored on the server (importProfiles.ts). */
  profileName?: string
}

export class DuplicateImportError extends ConflictError {
  constructor(readonly planId: string) {
    super(`this document was already imported as plan ${planId}; import it again with force to record a second plan`)
    this.name = 'DuplicateImportError'
  }
}

/** Where a warning or recognition points: its source tag ("table 2, row 4") or its line. */
function placeOf(w: { line: number; source?: string }): string {
  return w.source ?? `line ${w.line}`
}

export function formatWarning(w: ImportWarning): string {
  return `${placeOf(w)}: ${w.message}`
}

function counts(plan: ParsedPlan): ImportCounts {
  const objectives = plan.grids.flatMap(g => g.objectives)
  return { grids: plan.grids.length, objectives: objectives.length, actions: objectives.reduce((n, o) => n + o.actions.length, 0) }
}

/** Removes every `id`/`*Id` member: a dry run has no ids to show. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'id' && !/^[a-z]+Id$/.test(k)).map(([k, v]) => [k, withoutIds(v)]))
  }
  return value
}

export class ImportService {
  private readonly budget: TaskBudget

  /** `budgetMs`: how long one document may take to read (GRIDLEDGER_IMPORT_BUDGET_MS); past it a TaskBudgetError (422). */
  constructor(
    private readonly store: EventStore,
    private readonly commands: CommandHandler,
    private readonly clock: Clock,
    budgetMs = DEFAULT_IMPORT_BUDGET_MS,
    /** Profiles stored on the server, chosen by name. */
    readonly profiles: ImportProfiles = new ImportProfiles(undefined),
  ) {
    this.budget = { timeoutMs: budgetMs, ...IMPORT_WORKER_MEMORY }
  }

  /** Imports a plan document's text, read in a worker thread within the import budget. */
  async import(text: string, principal: Principal, options: ImportOptions = {}): Promise<ImportResult> {
    const parsed = await runTask<TextTaskInput, ParseResult>(TEXT_TASK, { text, profile: await this.profileOf(options) }, this.budget, 'the document', 'line')
    const warnings = parsed.warnings.map(formatWarning)
    if (!parsed.ok) {
      throw new ValidationError([{ path: 'body', message: parsed.reason }, ...parsed.warnings.map(w => ({ path: w.source ?? `line ${w.line}`, message: w.message }))])
    }
    const recognised = parsed.recognised.map(r => ({ at: placeOf(r), element: r.element, rule: r.rule }))
    return this.record(parsed.plan, warnings, sha256Hex(text), principal, options, undefined, recognised)
  }

  /**
   * Imports a Word document (.docx bytes): read in a worker thread within the same budget,
   * then recorded exactly as a text import. Warnings and a dry run's sources name the
   * table, row and cell (or paragraph) of each value.
   */
  async importDocx(bytes: Uint8Array, principal: Principal, options: ImportOptions = {}): Promise<ImportResult> {
    const parsed = await runTask<DocxTaskInput, DocxParseResult>(DOCX_TASK, { bytes, profile: await this.profileOf(options) }, this.budget, 'the Word document', 'paragraph or table row')
    if (!parsed.ok) {
      if (parsed.status === 413) throw new DocxRefusedError(413, parsed.reason)
      throw new ValidationError([{ path: 'body', message: parsed.reason }, ...parsed.warnings.map(w => ({ path: 'body', message: w }))])
    }
    return this.record(parsed.plan, parsed.warnings, sha256Hex(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), principal, options, parsed.sources, parsed.recognised)
  }

  private async profileOf(options: ImportOptions): Promise<ImportProfile | undefined> {
    return options.profile ?? (options.profileName === undefined ? undefined : await this.profiles.load(options.profileName))
  }

  private async record(
    plan: ParsedPlan,
    warnings: string[],
    sha256: string,
    principal: Principal,
    options: ImportOptions,
    sources?: PlanSources,
    recognised: RecognisedAt[] = [],
  ): Promise<ImportResult> {
    // Before the duplicate check: whether another partnership's document was imported is not for this token to learn.
    requirePartnershipInScope(principal, plan.partnership)
    const planId = options.force ? newId() : derivedId('import', sha256)
    const now = this.clock()
    const commands = planCommands(plan, { planId, newId, document: sha256, today: londonDate(now) })
    const actor: Principal = { ...principal, label: 'import' }
    if (options.dryRun) {
      const preview = withoutIds(this.preview(planId, commands, actor, now))
      if (sources) attachSources(preview, sources)
      return { planId, counts: counts(plan), warnings, plan: preview, recognised }
    }
    if (!options.force && (await this.store.streamVersion(planStreamId(planId))) > 0) throw new DuplicateImportError(planId)
    try {
      await this.commands.executeBatch(planId, commands, { principal: actor, metadata: { via: 'import', document: sha256 } })
    } catch (error) {
      if (error instanceof ConflictError && !options.force && (await this.store.streamVersion(planStreamId(planId))) > 0) throw new DuplicateImportError(planId)
      throw error
    }
    return { planId, counts: counts(plan), warnings }
  }

  /** Decides the commands in memory exactly as the real import would, and projects the result as a plan read shows it. */
  private preview(planId: string, commands: ReturnType<typeof planCommands>, actor: Principal, now: Date): PlanRead | null {
    const state = initialState()
    const recordedAt = now.toISOString()
    const ctx = { actor, today: londonDate(now) }
    const events: RecordedPlanEvent[] = []
    for (const command of commands) {
      for (const event of decideCommand(command, state, ctx)) {
        evolve(state, event)
        const version = events.length + 1
        events.push({
          id: `preview-${version}`,
          streamId: planStreamId(planId),
          version,
          position: version,
          recordedAt,
          actor: { tokenId: actor.tokenId, role: actor.role, label: actor.label },
          metadata: {},
          event,
        })
      }
    }
    const projected = projectPlanState(events, { asOf: recordedAt, effectiveOn: londonDate(now) })
    return projected && withSuggestedRags(projected)
  }
}
