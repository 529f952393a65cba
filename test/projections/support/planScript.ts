// Realistic plan events for projection tests: commands run through the real decider, with an
// actor and a clock, wrapped as the command handler records them (metadata.actor, recordedAt,
// id, stream version) and round-tripped through JSON as a store keeps them.
import type { Principal } from '../../../src/domain/actor.js'
import type { AddAction, PlanCommand } from '../../../src/domain/commands.js'
import { PLAN_EVENT_VERSIONS } from '../../../src/domain/events.js'
import { decideCommand, evolve, initialState } from '../../../src/domain/planDecider.js'
import { londonDate } from '../../../src/domain/values/calendarDate.js'
import { planStreamId } from '../../../src/domain/planStream.js'
import type { RecordedPlanEvent } from '../../../src/projections/recordedEvent.js'
import type { NewEvent } from '../../../src/store/eventStore.js'

export const commissioner: Principal = { tokenId: 'tok-commissioner', role: 'commissioner', label: 'Ealing DAAT commissioner', owners: [] }
export const admin: Principal = { tokenId: null, role: 'admin', label: 'cli', owners: [] }
export function provider(...owners: string[]): Principal {
  return { tokenId: `tok-${owners.join('-').toLowerCase()}`, role: 'provider', label: `${owners.join('/')} system`, owners }
}

/** A plan's history being written: `at` moves the clock, `as` changes the actor, `run` decides a command. */
export class PlanScript {
  readonly events: RecordedPlanEvent[] = []
  private readonly state = initialState()
  private now: string
  private actor: Principal = commissioner
  private ids = 0

  constructor(readonly planId: string = 'p-0001', start = '2008-04-02T09:00:00.000Z') {
    this.now = new Date(start).toISOString()
  }

  get streamId(): string {
    return planStreamId(this.planId)
  }

  /** Moves the clock (never backwards: a store's stream is recorded in time order). */
  at(instant: string): this {
    const iso = new Date(instant).toISOString()
    if (iso < this.now) throw new Error(`clock moved back from ${this.now} to ${iso}`)
    this.now = iso
    return this
  }

  as(actor: Principal): this {
    this.actor = actor
    return this
  }

  clock(): string {
    return this.now
  }

  nextId(kind: string): string {
    return `${kind}-${String(++this.ids).padStart(3, '0')}`
  }

  /** Decides a command on the plan's history so far and records the events; returns them. */
  run(command: PlanCommand): RecordedPlanEvent[] {
    const decided = decideCommand(command, this.state, { actor: this.actor, today: londonDate(this.now) })
    const { tokenId, role, label } = this.actor
    const actor = { tokenId, role, label }
    const recorded: RecordedPlanEvent[] = []
    for (const event of decided) {
      evolve(this.state, event)
      const version = this.events.length + 1
      const e: RecordedPlanEvent = {
        id: `${this.planId}-e${version}`,
        streamId: this.streamId,
        version,
        position: version,
        recordedAt: this.now,
        actor,
        metadata: { actor },
        event: JSON.parse(JSON.stringify(event)),
      }
      this.events.push(e)
      recorded.push(e)
    }
    return recorded
  }

  // Shorthands returning the new item's id.
  create(partnership = 'Ealing DAAT', year = '2008/09', title?: string): this {
    this.run({ type: 'CreatePlan', planId: this.planId, partnership, year, ...(title ? { title } : {}) })
    return this
  }

  grid(number: number, title: string): string {
    const gridId = this.nextId('grid')
    this.run({ type: 'AddGrid', gridId, number, title })
    return gridId
  }

  objective(gridId: string, text: string, number?: string, outcomes?: string[]): string {
    const objectiveId = this.nextId('obj')
    this.run({ type: 'AddObjective', gridId, objectiveId, text, number, outcomes })
    return objectiveId
  }

  action(objectiveId: string, fields: Omit<AddAction, 'type' | 'objectiveId' | 'actionId'>): string {
    const actionId = this.nextId('act')
    this.run({ type: 'AddAction', objectiveId, actionId, ...fields })
    return actionId
  }

  /** Events recorded at or before an instant. */
  recordedBy(instant: string): RecordedPlanEvent[] {
    const t = Date.parse(instant)
    return this.events.filter(e => Date.parse(e.recordedAt) <= t)
  }
}

/** A recorded event as the application appends it to a store. */
export function toNewEvent(e: RecordedPlanEvent): NewEvent {
  return {
    id: e.id,
    type: e.event.type,
    schemaVersion: PLAN_EVENT_VERSIONS[e.event.type],
    data: e.event.data as unknown as Record<string, unknown>,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
  }
}
