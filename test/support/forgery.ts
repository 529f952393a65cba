// The strongest forger the hash chain alone cannot stop: someone with write access to the
// SQLite file who edits events and re-hashes the plan's whole chain from the first event, then
// updates the plan catalogue's record of the head to match. Only something kept outside the
// database (a sign-off's content hash replayed, a signed chain head) can show it.
import Database from 'better-sqlite3'
import { canonicalJson, eventHash, GENESIS_HASH } from '../../src/store/hashChain.js'
import type { EventRow } from '../../src/store/sqliteEventStore.js'

/** Rewrites a plan's events (`edit` returns new data, or undefined to keep it) and re-chains all of them; returns the new head hash. */
export function rewriteHistory(dbPath: string, planId: string, edit: (version: number, data: Record<string, unknown>, type: string) => Record<string, unknown> | undefined): string {
  const db = new Database(dbPath)
  try {
    return db.transaction(() => {
      const rows = db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY version').all(`plan-${planId}`) as EventRow[]
      let prev = GENESIS_HASH
      const update = db.prepare('UPDATE events SET data = ?, hash = ?, prev_hash = ? WHERE position = ?')
      for (const r of rows) {
        const original = JSON.parse(r.data) as Record<string, unknown>
        const data = edit(r.version, original, r.type) ?? original
        const hash = eventHash(prev, r.stream_id, r.version, {
          id: r.event_id, type: r.type, schemaVersion: r.schema_version, data, metadata: JSON.parse(r.metadata) as Record<string, unknown>, recordedAt: r.recorded_at,
        })
        update.run(canonicalJson(data), hash, prev, r.position)
        prev = hash
      }
      const entry = db.prepare(`SELECT doc FROM read_models WHERE collection = 'plans' AND key = ?`).get(planId) as { doc: string } | undefined
      if (entry) {
        const doc = { ...(JSON.parse(entry.doc) as Record<string, unknown>), headHash: prev }
        db.prepare(`UPDATE read_models SET doc = ? WHERE collection = 'plans' AND key = ?`).run(JSON.stringify(doc), planId)
      }
      return prev
    })()
  } finally {
    db.close()
  }
}
