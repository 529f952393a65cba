// A plan's audit history as CSV (GET /v1/plans/{id}/history with Accept: text/csv).
import type { HistoryEntry } from '../projections/folds/history.js'
import { toCsv, type CsvColumn } from './csv.js'

const HISTORY_COLUMNS: CsvColumn<HistoryEntry>[] = [
  { header: 'position', value: e => e.position },
  { header: 'type', value: e => e.type },
  { header: 'recordedAt', value: e => e.recordedAt },
  { header: 'effectiveDate', value: e => e.effectiveDate },
  { header: 'actorTokenId', value: e => e.actor.tokenId },
  { header: 'actorRole', value: e => e.actor.role },
  { header: 'actorLabel', value: e => e.actor.label },
  { header: 'planId', value: e => e.planId },
  { header: 'gridId', value: e => e.gridId },
  { header: 'objectiveId', value: e => e.objectiveId },
  { header: 'actionId', value: e => e.actionId },
  { header: 'data', value: e => JSON.stringify(e.data) },
]

/** History entries as CSV: one row per entry, the event's data as a JSON text column. */
export function historyCsv(entries: Iterable<HistoryEntry>): string {
  return toCsv(HISTORY_COLUMNS, entries)
}
