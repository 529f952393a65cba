// Builds large SQLite stores quickly for the read and rebuild benchmarks. One template plan is
// recorded through the real command handler (so every event has the shape the domain writes);
// then each plan of the bench store is a copy with its own ids, followed by progress reports
// and RAG ratings cloned from the template's, with rising recordedAt. Everything goes through
// the SQLite adapter (hash chain and all), in appends that share group commits. storeCache.ts
// keeps the stores built, keyed by everything that decides their content, this file included.
import { randomUUID } from 'node:crypto'
import { CommandHandler } from '../src/app/commandHandler.js'
import { derivedId } from '../src/app/ids.js'
import type { Principal } from '../src/domain/actor.js'
import { planStreamId } from '../src/domain/planStream.js'
import type { NewEvent } from '../src/store/eventStore.js'
import { createMemoryEventStore } from '../src/store/memoryEventStore.js'
import type { SqliteEventStore } from '../src/store/sqliteEventStore.js'

export const BENCH_PRINCIPAL: Principal = { tokenId: null, role: 'admin', label: 'bench', owners: [] }
const TEMPLATE_PLAN = '00000000-0000-4000-8000-000000000000'
const GRIDS = 2
const OBJECTIVES_PER_GRID = 2
const ACTIONS_PER_OBJECTIVE = 5

export interface Template {
  structure: NewEvent[]
  progress: NewEvent
  rag: NewEvent
  /** Ids appearing in the events (plan, grids, objectives, actions), to be replaced per plan. */
  ids: string[]
  actionIds: string[]
}

/** A 20-action plan (2 grids × 2 objectives × 5 actions) recorded through the command handler. */
export async function makeTemplate(): Promise<Template> {
  const store = createMemoryEventStore()
  let t = Date.parse('2009-04-01T09:00:00.000Z')
  const handler = new CommandHandler(store, () => new Date(t++))
  const run = (command: Parameters<CommandHandler['execute']>[1]) => handler.execute(TEMPLATE_PLAN, command, { principal: BENCH_PRINCIPAL })
  const ids: string[] = [TEMPLATE_PLAN]
  const actionIds: string[] = []
  await run({ type: 'CreatePlan', planId: TEMPLATE_PLAN, partnership: 'Bench DAAT', year: '2008/09', title: 'Adult drug treatment plan 2008/09' })
  for (let g = 1; g <= GRIDS; g++) {
    const gridId = randomUUID()
    ids.push(gridId)
    await run({ type: 'AddGrid', gridId, number: g, title: `Grid ${g}: harm reduction and treatment access` })
    for (let o = 1; o <= OBJECTIVES_PER_GRID; o++) {
      const objectiveId = randomUUID()
      ids.push(objectiveId)
      await run({ type: 'AddObjective', gridId, objectiveId, number: `${o}`, text: `Objective ${g}.${o}: reduce drug related deaths`, outcomes: ['Fewer deaths', 'More people in treatment'] })
      for (let a = 1; a <= ACTIONS_PER_OBJECTIVE; a++) {
        const actionId = randomUUID()
        ids.push(actionId)
        actionIds.push(actionId)
        await run({ type: 'AddAction', objectiveId, actionId, number: `${o}.${a}`, text: `Train staff in naloxone, cohort ${a}`, due: 'Qtr 2', owners: ['CNWL', 'DM'], cost: '£4,400' })
      }
    }
  }
  await run({ type: 'ReportProgress', actionId: actionIds[0], effectiveDate: '2008-06-30', note: 'Two more staff trained this month; rota agreed.', status: 'in_progress', percentComplete: 40, furtherAction: 'Review at the next meeting' })
  await run({ type: 'SetRag', actionId: actionIds[0], rag: 'amber', effectiveDate: '2008-06-30', reason: 'Behind the training schedule' })
  const events = await store.readStream(planStreamId(TEMPLATE_PLAN))
  await store.close()
  const plain = events.map(({ id, type, schemaVersion, data, metadata, recordedAt }) => ({ id, type, schemaVersion, data, metadata, recordedAt }))
  return { structure: plain.slice(0, -2), progress: plain[plain.length - 2], rag: plain[plain.length - 1], ids, actionIds }
}

export interface PlanSpec {
  planId: string
  /** Events in the plan, structure included (at least the structure's length). */
  events: number
}

/** The events of one bench plan, one at a time: the template's structure under new ids, then reports. */
export function* planEventStream(template: Template, spec: PlanSpec, startMs = Date.parse('2008-04-01T09:00:00.000Z')): Generator<NewEvent> {
  // The plan's history spans its financial year, whatever its length.
  const stepMs = Math.max(1, Math.floor((364 * 86_400_000) / spec.events))
  const map = new Map(template.ids.map(id => [id, id === TEMPLATE_PLAN ? spec.planId : derivedId('bench', spec.planId, id)]))
  const swap = (json: string) => json.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, m => map.get(m) ?? m)
  let count = 0
  let t = startMs
  const at = () => new Date((t += stepMs)).toISOString()
  for (const e of template.structure) {
    yield { ...e, id: randomUUID(), data: JSON.parse(swap(JSON.stringify(e.data))) as Record<string, unknown>, recordedAt: at() }
    if (++count >= spec.events) return
  }
  const actionIds = template.actionIds.map(a => map.get(a)!)
  const progress = JSON.parse(swap(JSON.stringify(template.progress.data))) as Record<string, unknown>
  const rag = JSON.parse(swap(JSON.stringify(template.rag.data))) as Record<string, unknown>
  const rags = ['red', 'amber', 'green']
  for (let n = 0; count < spec.events; n++, count++) {
    const actionId = actionIds[n % actionIds.length]
    const recordedAt = at()
    // Effective the day before it was recorded (never in the future, as the domain requires).
    const effectiveDate = new Date(Date.parse(recordedAt) - 86_400_000).toISOString().slice(0, 10)
    if (n % 5 === 4) {
      yield { ...template.rag, id: randomUUID(), data: { ...rag, actionId, rag: rags[n % 3], effectiveDate, reason: `Rated at meeting ${n}` }, recordedAt }
    } else {
      yield {
        ...template.progress,
        id: randomUUID(),
        data: { ...progress, actionId, effectiveDate, note: `Report ${n}: ${n % 7} more staff trained; rota agreed with the provider.`, percentComplete: n % 101 },
        recordedAt,
      }
    }
  }
}

/**
 * Appends every plan's events to the store in the order they were recorded across plans, as real
 * traffic lays them out: the plan whose next event is the earliest appends its next `chunk`
 * events (default 10), and the `parallel` earliest such appends (default 16) go at once, sharing
 * group commits (a plan's own appends among them one after another). Every plan's history spans the same year, so a long plan's events are
 * interleaved with the others' over its whole length, not written alone once they are done.
 * Returns the time taken in ms.
 */
export async function fillStore(store: SqliteEventStore, template: Template, plans: PlanSpec[], options: { chunk?: number; parallel?: number; onProgress?: (events: number) => void } = {}): Promise<number> {
  const chunk = options.chunk ?? 10
  const parallel = options.parallel ?? 16
  const t0 = performance.now()
  interface Cursor {
    planId: string
    events: Generator<NewEvent>
    next: NewEvent | undefined
    version: number
  }
  const cursors: Cursor[] = plans.map(spec => {
    const events = planEventStream(template, spec)
    return { planId: spec.planId, events, next: events.next().value ?? undefined, version: 0 }
  })
  // A binary min-heap of the cursors with events left, by their next event's recording time.
  const heap = cursors.filter(c => c.next)
  const before = (a: Cursor, b: Cursor) => a.next!.recordedAt! < b.next!.recordedAt!
  const up = (i: number) => {
    for (let parent = (i - 1) >> 1; i > 0 && before(heap[i], heap[parent]); i = parent, parent = (i - 1) >> 1) [heap[i], heap[parent]] = [heap[parent], heap[i]]
  }
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1
      const least = [l, l + 1].filter(c => c < heap.length).reduce((m, c) => (before(heap[c], heap[m]) ? c : m), i)
      if (least === i) return
      ;[heap[i], heap[least]] = [heap[least], heap[i]]
      i = least
    }
  }
  const pop = (): Cursor => {
    const top = heap[0]
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      down(0)
    }
    return top
  }
  for (let i = heap.length >> 1; i >= 0; i--) down(i)
  let written = 0
  let reported = 0
  while (heap.length > 0) {
    // The earliest `parallel` chunks, a plan's several chunks (a long plan records more often) in order.
    const round = new Map<Cursor, NewEvent[][]>()
    for (let n = 0; n < parallel && heap.length > 0; n++) {
      const cursor = pop()
      const batch: NewEvent[] = []
      while (cursor.next && batch.length < chunk) {
        batch.push(cursor.next)
        cursor.next = cursor.events.next().value ?? undefined
      }
      round.set(cursor, [...(round.get(cursor) ?? []), batch])
      if (cursor.next) {
        heap.push(cursor)
        up(heap.length - 1)
      }
    }
    await Promise.all(
      [...round].map(async ([cursor, batches]) => {
        for (const batch of batches) {
          await store.append(planStreamId(cursor.planId), batch, { expectedVersion: cursor.version })
          cursor.version += batch.length
          written += batch.length
        }
      }),
    )
    if (written - reported >= 100_000 || heap.length === 0) {
      reported = written
      options.onProgress?.(written)
    }
  }
  return performance.now() - t0
}
