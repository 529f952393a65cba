// What changed in a plan between two instants: the plan at `to` against the plan at `from`
// (both folded by planState.ts), as items added, items withdrawn and each changed field with
// its value before and after. A pure function of two plan states; applyPlanChanges is its
// inverse direction (from-items + changes = to-items), which the property tests hold it to.
import { isDeepStrictEqual } from 'node:util'
import type { ActionState, PlanState } from './planState.js'

export interface GridItem {
  kind: 'grid'
  id: string
  number: number
  title: string
}

export interface ObjectiveItem {
  kind: 'objective'
  id: string
  gridId: string
  number: string | null
  text: string
  outcomes: string[]
}

export interface ActionItem extends Pick<ActionState, 'id' | 'number' | 'text' | 'due' | 'owners' | 'cost' | 'rag' | 'progress'> {
  kind: 'action'
  objectiveId: string
}

export type PlanItem = GridItem | ObjectiveItem | ActionItem

/** The fields compared per kind (the parent ids never change, so they are not compared). */
export const COMPARED_FIELDS = {
  grid: ['number', 'title'],
  objective: ['number', 'text', 'outcomes'],
  action: ['number', 'text', 'due', 'owners', 'cost', 'rag', 'progress'],
} as const satisfies { [K in PlanItem['kind']]: ReadonlyArray<keyof Extract<PlanItem, { kind: K }>> }

export interface FieldChange {
  kind: PlanItem['kind']
  id: string
  field: string
  before: unknown
  after: unknown
}

export interface PlanChanges {
  from: string
  to: string
  /** Items present at `to` and not at `from`, in the plan's order at `to`. */
  added: PlanItem[]
  /** Items present at `from` and not at `to` (as they were at `from`), in the plan's order at `from`. */
  withdrawn: PlanItem[]
  /** One entry per field whose value differs, in the plan's order at `to`. */
  changed: FieldChange[]
}

/** The plan's grids, objectives and live actions as flat items, in the plan's order; none for a plan not yet created. */
export function planItems(state: PlanState | null): PlanItem[] {
  const items: PlanItem[] = []
  if (!state) return items
  for (const grid of state.grids) {
    items.push({ kind: 'grid', id: grid.id, number: grid.number, title: grid.title })
    for (const objective of grid.objectives) {
      items.push({ kind: 'objective', id: objective.id, gridId: grid.id, number: objective.number, text: objective.text, outcomes: [...objective.outcomes] })
      for (const a of objective.actions) {
        items.push({
          kind: 'action', id: a.id, objectiveId: objective.id, number: a.number, text: a.text,
          due: { ...a.due }, owners: [...a.owners], cost: { ...a.cost }, rag: a.rag, progress: a.progress && { ...a.progress },
        })
      }
    }
  }
  return items
}

const keyOf = (item: { kind: string; id: string }) => `${item.kind}:${item.id}`

/** The changes that take the plan at `from` to the plan at `to` (either state may be null: no plan yet). */
export function planChanges(from: PlanState | null, to: PlanState | null, instants: { from: string; to: string }): PlanChanges {
  const before = new Map(planItems(from).map(item => [keyOf(item), item]))
  const afterItems = planItems(to)
  const afterKeys = new Set(afterItems.map(keyOf))
  const added: PlanItem[] = []
  const changed: FieldChange[] = []
  for (const item of afterItems) {
    const old = before.get(keyOf(item))
    if (!old) {
      added.push(item)
      continue
    }
    for (const field of COMPARED_FIELDS[item.kind]) {
      const was = (old as unknown as Record<string, unknown>)[field]
      const now = (item as unknown as Record<string, unknown>)[field]
      if (!isDeepStrictEqual(was, now)) changed.push({ kind: item.kind, id: item.id, field, before: was, after: now })
    }
  }
  const withdrawn = [...before.values()].filter(item => !afterKeys.has(keyOf(item)))
  return { from: instants.from, to: instants.to, added, withdrawn, changed }
}

/** The items the changes lead to from `items` (keyed by kind and id; order is not part of a change). */
export function applyPlanChanges(items: PlanItem[], changes: Pick<PlanChanges, 'added' | 'withdrawn' | 'changed'>): Map<string, PlanItem> {
  const result = new Map(items.map(item => [keyOf(item), structuredClone(item)]))
  for (const item of changes.withdrawn) result.delete(keyOf(item))
  for (const item of changes.added) result.set(keyOf(item), structuredClone(item))
  for (const change of changes.changed) {
    const item = result.get(keyOf(change))
    if (item) (item as unknown as Record<string, unknown>)[change.field] = structuredClone(change.after)
  }
  return result
}
