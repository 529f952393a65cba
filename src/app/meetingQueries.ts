// Reads of a plan's monitoring meetings: the list, one meeting with its agenda and decisions,
// its minutes. Read from the plan's stream like every per-plan read (PlanQueries.events checks
// the plan exists and the caller may see it); a provider sees only the meetings whose owners
// include one of its labels, and any other is 404.
import type { Principal } from '../domain/actor.js'
import { NotFoundError } from '../domain/errors.js'
import { londonDate } from '../domain/values/calendarDate.js'
import { sameOwner } from '../domain/values/owners.js'
import type { HistoryEntry } from '../projections/folds/history.js'
import { meetingAgenda, meetingDecisions, meetingRecords, type AgendaItem, type Meeting } from '../projections/folds/meetings.js'
import { meetingMinutes, type Minutes } from '../projections/folds/minutes.js'
import { projectPlanState } from '../projections/folds/planState.js'
import type { RecordedPlanEvent } from '../projections/recordedEvent.js'
import type { Clock } from './clock.js'
import type { PlanQueries } from './planQueries.js'

export interface MeetingDetail extends Meeting {
  agenda: AgendaItem[]
  decisions: HistoryEntry[]
}

/** A provider reads a meeting when one of its labels is among the meeting's owners. */
export function maySeeMeeting(principal: Principal, meeting: Meeting): boolean {
  if (principal.role !== 'provider') return true
  return meeting.owners.some(owner => principal.owners.some(label => sameOwner(owner, label)))
}

export class MeetingQueries {
  constructor(private readonly plans: PlanQueries, private readonly clock: Clock) {}

  async list(planId: string, principal: Principal): Promise<Meeting[]> {
    const events = await this.plans.events(planId, principal)
    return meetingRecords(events).map(r => r.meeting).filter(m => maySeeMeeting(principal, m))
  }

  async get(planId: string, meetingId: string, principal: Principal): Promise<MeetingDetail> {
    const { events, record, agenda } = await this.agendaOf(planId, meetingId, principal)
    return { ...record.meeting, agenda, decisions: meetingDecisions(events, meetingId) }
  }

  async minutes(planId: string, meetingId: string, principal: Principal): Promise<Minutes> {
    const { events, record, agenda, plan } = await this.agendaOf(planId, meetingId, principal)
    return meetingMinutes(events, plan, record.meeting, agenda)
  }

  /**
   * The meeting and its agenda on the plan as the meeting sees it: as recorded when it closed,
   * or now while it is open (and never before the plan's latest event: another instance's clock
   * may run ahead).
   */
  private async agendaOf(planId: string, meetingId: string, principal: Principal) {
    const events = await this.plans.events(planId, principal)
    const records = meetingRecords(events)
    const record = records.find(r => r.meeting.id === meetingId)
    if (!record || !maySeeMeeting(principal, record.meeting)) throw new NotFoundError('meeting', meetingId)
    const asOf = record.meeting.closedAt ?? this.now(events)
    const state = projectPlanState(events, { asOf, effectiveOn: londonDate(asOf) })
    if (!state) throw new NotFoundError('plan', planId)
    const plan = { id: state.id, partnership: state.partnership, year: state.year, title: state.title }
    return { events, record, agenda: meetingAgenda(events, records, record, state), plan }
  }

  private now(events: RecordedPlanEvent[]): string {
    const now = this.clock().toISOString()
    const latest = events[events.length - 1].recordedAt
    return latest > now ? latest : now
  }
}
