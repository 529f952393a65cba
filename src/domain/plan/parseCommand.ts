// The edge of the decider: a command as a caller wrote it becomes a parsed command, or a
// ValidationError naming every bad field. Needs no state, only today's date (the default and
// the latest effective date).
import type { AcceptRagProposal, PlanCommand, ProposeRag, RejectRagProposal, ReportProgress, SetRag } from '../commands.js'
import { ValidationError } from '../errors.js'
import { GRID_NARRATIVE_SECTIONS, type BudgetLine, type GridNarrativeSection } from '../events.js'
import { MAX_BUDGET_LINES, MAX_GRID_NUMBER, MAX_SHORT_TEXT } from '../limits.js'
import { MAX_ID } from './parseMeetingCommand.js'
import { defaultPlanTitle } from '../planTitle.js'
import { requireCalendarDate } from '../values/calendarDate.js'
import { parseFinancialYear } from '../values/financialYear.js'
import { parseMoney } from '../values/money.js'
import { normaliseOwners } from '../values/owners.js'
import { budgetLabel, budgetMoney, effectiveDate, itemNumber, optionalText, outcomes, ownerList, parseFields, percentComplete, progressStatus, rag, text } from './fields.js'
import { parseMeetingCommand } from './parseMeetingCommand.js'
import type { ActionChanges, ObjectiveChanges, ParsedPlanCommand, ParsedReportProgress, ProposalVerdict, Rating } from './parsedCommand.js'
import { parseSignOffReport } from './signOff.js'

export function parsePlanCommand(command: PlanCommand, today: string): ParsedPlanCommand {
  switch (command.type) {
    case 'CreatePlan': {
      const f = parseFields({
        partnership: () => text(command.partnership, 'partnership', { max: MAX_SHORT_TEXT }),
        year: () => parseFinancialYear(command.year),
        title: () => optionalText(command.title, 'title', MAX_SHORT_TEXT),
        published: () => publishedDate(command.published),
      })
      return {
        type: 'CreatePlan', planId: command.planId, partnership: f.partnership, year: f.year,
        title: f.title ?? defaultPlanTitle(f.year.label), ...(command.source ? { source: documentSource(command.source) } : {}),
        ...(f.published ? { published: f.published } : {}),
      }
    }
    case 'AddGrid': {
      const f = parseFields({ number: () => gridNumber(command.number), title: () => text(command.title, 'title', { max: MAX_SHORT_TEXT }) })
      return { type: 'AddGrid', gridId: command.gridId, ...f, ...source(command) }
    }
    case 'RecordGridNarrative': {
      const f = parseFields({ section: () => narrativeSection(command.section), text: () => text(command.text, 'text') })
      return { type: 'RecordGridNarrative', gridId: command.gridId, ...f, ...source(command) }
    }
    case 'RateSelfAssessment': {
      const f = parseFields({ statement: () => text(command.statement, 'statement'), rag: () => rag(command.rag, 'rag') })
      return { type: 'RateSelfAssessment', gridId: command.gridId, ...f, ...source(command) }
    }
    case 'RecordGridBudget':
      return { type: 'RecordGridBudget', gridId: command.gridId, lines: budgetLines(command.lines), ...source(command) }
    case 'RecordPlanBudget':
      return { type: 'RecordPlanBudget', lines: budgetLines(command.lines), ...source(command) }
    case 'AddObjective': {
      const f = parseFields({
        number: () => itemNumber(command.number, 'number'),
        text: () => text(command.text, 'text'),
        outcomes: () => outcomes(command.outcomes, 'outcomes'),
      })
      return { type: 'AddObjective', gridId: command.gridId, objectiveId: command.objectiveId, ...f, ...source(command) }
    }
    case 'ReviseObjective': {
      const changes = parseFields<ObjectiveChanges>({
        number: () => (command.number === undefined ? undefined : itemNumber(command.number, 'number')),
        text: () => (command.text === undefined ? undefined : text(command.text, 'text')),
        outcomes: () => (command.outcomes === undefined ? undefined : outcomes(command.outcomes, 'outcomes')),
      })
      if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'name at least one of number, text, outcomes')
      return { type: 'ReviseObjective', objectiveId: command.objectiveId, changes }
    }
    case 'AddAction': {
      const f = parseFields({
        number: () => itemNumber(command.number, 'number'),
        text: () => text(command.text, 'text'),
        owners: () => ownerList(command.owners, 'owners'),
        dueWords: () => optionalText(command.due, 'due', MAX_SHORT_TEXT) ?? '',
        cost: () => parseMoney(optionalText(command.cost, 'cost', MAX_SHORT_TEXT) ?? ''),
      })
      return { type: 'AddAction', objectiveId: command.objectiveId, actionId: command.actionId, ...f, ...source(command) }
    }
    case 'ReviseAction': {
      const changes = parseFields<ActionChanges>({
        number: () => (command.number === undefined ? undefined : itemNumber(command.number, 'number')),
        text: () => (command.text === undefined ? undefined : text(command.text, 'text')),
        dueWords: () => (command.due === undefined ? undefined : (optionalText(command.due, 'due', MAX_SHORT_TEXT) ?? '')),
        cost: () => (command.cost === undefined ? undefined : parseMoney(optionalText(command.cost, 'cost', MAX_SHORT_TEXT) ?? '')),
      })
      if (Object.keys(changes).length === 0) throw ValidationError.field('body', 'name at least one of number, text, due, cost')
      return { type: 'ReviseAction', actionId: command.actionId, changes }
    }
    case 'WithdrawAction':
      return { type: 'WithdrawAction', actionId: command.actionId, reason: optionalText(command.reason, 'reason', MAX_SHORT_TEXT) }
    case 'AssignOwner': {
      const [owner] = normaliseOwners([text(command.owner, 'owner', { max: MAX_SHORT_TEXT })])
      return { type: 'AssignOwner', actionId: command.actionId, owner }
    }
    case 'UnassignOwner':
      return { type: 'UnassignOwner', actionId: command.actionId, owner: text(command.owner, 'owner', { max: MAX_SHORT_TEXT }) }
    case 'ReportProgress':
      return { type: 'ReportProgress', actionId: command.actionId, ...progress(command, today), ...source(command) }
    case 'SetRag':
      return { type: 'SetRag', actionId: command.actionId, ...rating(command, today), ...source(command) }
    case 'ProposeRag':
      return { type: 'ProposeRag', actionId: command.actionId, ...rating(command, today) }
    case 'AcceptRagProposal':
      return { type: 'AcceptRagProposal', actionId: command.actionId, ...verdict(command, today, false) }
    case 'RejectRagProposal': {
      const parsed = verdict(command, today, true)
      return { type: 'RejectRagProposal', actionId: command.actionId, ...parsed, reason: parsed.reason! }
    }
    case 'CreateMeeting':
    case 'CloseMeeting':
      return parseMeetingCommand(command)
    case 'SignOffReport':
      return parseSignOffReport(command)
  }
}

function narrativeSection(value: unknown): GridNarrativeSection {
  if (!(GRID_NARRATIVE_SECTIONS as readonly unknown[]).includes(value)) throw ValidationError.field('section', `must be one of ${GRID_NARRATIVE_SECTIONS.join(', ')}`)
  return value as GridNarrativeSection
}

/** The imported document's name and hash, the name within the short-text limit. */
/** A plan's publication date: a real calendar date, or absent. */
function publishedDate(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw ValidationError.field('published', 'must be a date as YYYY-MM-DD')
  return requireCalendarDate(value, 'published')
}

function documentSource(source: { document: string; sha256: string }): { document: string; sha256: string } {
  return { document: text(source.document, 'source.document', { max: MAX_SHORT_TEXT }), sha256: text(source.sha256, 'source.sha256', { max: 64 }) }
}

function gridNumber(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_GRID_NUMBER) {
    throw ValidationError.field('number', `must be a whole number from 0 to ${MAX_GRID_NUMBER}`)
  }
  return value
}

/** Every line's label and figures within their limits, and no more lines than a grid's budget table holds. */
function budgetLines(lines: unknown): BudgetLine[] {
  if (!Array.isArray(lines) || lines.length === 0) throw ValidationError.field('lines', 'must be a non-empty list of budget lines')
  if (lines.length > MAX_BUDGET_LINES) throw ValidationError.field('lines', `must hold at most ${MAX_BUDGET_LINES} lines, got ${lines.length}`)
  return lines.map((line: Partial<Record<keyof BudgetLine, unknown>> | null, i) => {
    const path = `lines.${i}`
    if (typeof line !== 'object' || line === null) throw ValidationError.field(path, 'must be a budget line')
    return parseFields<BudgetLine>({
      label: () => budgetLabel(line.label, `${path}.label`),
      plannedLastYear: () => budgetMoney(line.plannedLastYear, `${path}.plannedLastYear`),
      likelyLastYear: () => budgetMoney(line.likelyLastYear, `${path}.likelyLastYear`),
      plannedThisYear: () => budgetMoney(line.plannedThisYear, `${path}.plannedThisYear`),
    })
  })
}

function progress(command: ReportProgress, today: string): Omit<ParsedReportProgress, 'type' | 'actionId' | 'source'> {
  return parseFields({
    meetingId: () => meetingId(command.meetingId),
    effectiveDate: () => {
      if (command.effectiveDate === undefined || command.effectiveDate === null) {
        if (command.meetingId !== undefined && command.meetingId !== null) return null
        throw ValidationError.field('effectiveDate', 'is required (or name a meetingId: its date is the default)')
      }
      return effectiveDate(command.effectiveDate, 'effectiveDate', today)
    },
    note: () => text(command.note, 'note'),
    status: () => progressStatus(command.status, 'status'),
    percentComplete: () => percentComplete(command.percentComplete, 'percentComplete'),
    furtherAction: () => optionalText(command.furtherAction, 'furtherAction'),
  })
}

/** The rating, effective date and reason of a SetRag or ProposeRag. */
function rating(command: SetRag | ProposeRag, today: string): Rating {
  return parseFields<Rating>({
    rag: () => rag(command.rag, 'rag'),
    effectiveDate: () => decisionDate(command, today),
    reason: () => optionalText(command.reason, 'reason'),
    meetingId: () => meetingId(command.meetingId),
  })
}

/** Accepting or rejecting a proposal: a reason (required to reject), effective date, meeting. */
function verdict(command: AcceptRagProposal | RejectRagProposal, today: string, reasonRequired: boolean): ProposalVerdict {
  return parseFields<ProposalVerdict>({
    effectiveDate: () => decisionDate(command, today),
    reason: () => (reasonRequired ? text(command.reason, 'reason') : optionalText(command.reason, 'reason')),
    meetingId: () => meetingId(command.meetingId),
  })
}

/** The effective date given; else, in a meeting, null (the decider takes the meeting's date); else today. */
function decisionDate(command: { effectiveDate?: string; meetingId?: string }, today: string): string | null {
  if ((command.effectiveDate === undefined || command.effectiveDate === null) && command.meetingId !== undefined && command.meetingId !== null) return null
  return effectiveDate(command.effectiveDate, 'effectiveDate', today)
}

function meetingId(value: unknown): string | null {
  return optionalText(value, 'meetingId', MAX_ID)
}

function source(command: { source?: ParsedReportProgress['source'] }): { source?: NonNullable<ParsedReportProgress['source']> } {
  return command.source ? { source: command.source } : {}
}
