// Tamper evidence: the SQLite file is edited behind gridledger's back through a separate
// better-sqlite3 connection — a flipped byte, a deleted event, two events reordered, a payload
// edited (with and without recomputing its own hash), the last events cut off, a tail re-hashed
// after an edit — and both GET /v1/plans/{id}/integrity and `gridledger verify --json` must
// report the plan as not ok, at the right position. The last two are caught by the plan
// catalogue's record of the chain's head, not by the chain itself.
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { canonicalJson, eventHash } from '../../src/store/hashChain.js'
import type { SqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'
import { childEnv, CLI, ROOT } from '../support/reliabilityServer.js'
import type { EventRow } from '../../src/store/sqliteEventStore.js'

type Row = EventRow

/** A plan of 8 events: the 4 of seedPlan, then 4 progress reports. */
async function planOfEight(h: Harness): Promise<string> {
  const f = await seedPlan(h)
  for (let i = 1; i <= 4; i++) {
    const res = await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-06-30', note: `report number ${i}` } })
    if (res.statusCode !== 201) throw new Error(`progress: ${res.statusCode} ${res.body}`)
  }
  return f.planId
}

interface Case {
  name: string
  /** Edits the plan's rows; returns the position (stream version) that must be reported. */
  tamper(db: Database.Database, streamId: string): number
}

const row = (db: Database.Database, streamId: string, version: number) =>
  db.prepare('SELECT * FROM events WHERE stream_id = ? AND version = ?').get(streamId, version) as Row

/** The hash a forger would give a row carrying `data` after `prevHash`. */
function rehash(r: Row, data: Record<string, unknown>, prevHash: string): string {
  return eventHash(prevHash, r.stream_id, r.version, {
    id: r.event_id,
    type: r.type,
    schemaVersion: r.schema_version,
    data,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    recordedAt: r.recorded_at,
  })
}

/** Deletes one version of the plan's stream, or all of it; `reported` is the position to be named. */
function deleting(name: string, version: number | 'all', reported: number): Case {
  return {
    name,
    tamper(db, streamId) {
      if (version === 'all') db.prepare('DELETE FROM events WHERE stream_id = ?').run(streamId)
      else db.prepare('DELETE FROM events WHERE stream_id = ? AND version = ?').run(streamId, version)
      return reported
    },
  }
}

const CASES: Case[] = [
  {
    name: 'one byte flipped in a payload',
    tamper(db, streamId) {
      const r = row(db, streamId, 6)
      const bytes = Buffer.from(r.data, 'utf8')
      const at = bytes.indexOf('report number')
      bytes[at] ^= 0x20 // 'r' → 'R': still valid JSON, one bit different
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(bytes.toString('utf8'), r.position)
      return 6
    },
  },
  deleting('one event deleted', 5, 5),
  {
    name: 'two events reordered',
    tamper(db, streamId) {
      db.transaction(() => {
        const swap = db.prepare('UPDATE events SET version = ? WHERE stream_id = ? AND version = ?')
        swap.run(1_000_000, streamId, 6)
        swap.run(6, streamId, 7)
        swap.run(7, streamId, 1_000_000)
      })()
      return 6
    },
  },
  {
    name: 'a payload edited',
    tamper(db, streamId) {
      db.prepare(`UPDATE events SET data = json_set(data, '$.note', 'nothing to report') WHERE stream_id = ? AND version = 7`).run(streamId)
      return 7
    },
  },
  {
    name: 'a payload edited and its own hash recomputed',
    tamper(db, streamId) {
      const r = row(db, streamId, 4)
      const data = { ...(JSON.parse(r.data) as Record<string, unknown>), text: 'Train staff in something else' }
      db.prepare('UPDATE events SET data = ?, hash = ? WHERE position = ?').run(canonicalJson(data), rehash(r, data, r.prev_hash), r.position)
      // Event 4 now checks against itself; event 5's link to it is what breaks.
      return 5
    },
  },
  {
    name: 'one byte flipped so the payload is no longer JSON',
    tamper(db, streamId) {
      const r = row(db, streamId, 3)
      const bytes = Buffer.from(r.data, 'utf8')
      bytes[0] ^= 0x01 // '{' → 'z'
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(bytes.toString('utf8'), r.position)
      return 3
    },
  },
  // The chain of 1..7 still holds; the plan catalogue saw 8.
  deleting('the last event deleted', 8, 8),
  deleting('every event of the plan deleted', 'all', 1),
  {
    name: 'a payload edited and the chain re-hashed from there to the end',
    tamper(db, streamId) {
      let prev = row(db, streamId, 7).prev_hash
      for (const version of [7, 8]) {
        const r = row(db, streamId, version)
        const data = version === 7 ? { ...(JSON.parse(r.data) as Record<string, unknown>), note: 'nothing to report' } : (JSON.parse(r.data) as Record<string, unknown>)
        const hash = rehash(r, data, prev)
        db.prepare('UPDATE events SET data = ?, hash = ?, prev_hash = ? WHERE position = ?').run(canonicalJson(data), hash, prev, r.position)
        prev = hash
      }
      // The chain verifies on its own; the catalogue's record of event 8's hash does not match.
      return 8
    },
  },
]

function verifyCli(dbPath: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'verify', '--json'], {
      cwd: ROOT,
      env: childEnv({ GRIDLEDGER_STORE: `sqlite:${dbPath}`, LOG_LEVEL: 'silent' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', c => (stdout += c))
    child.stderr.on('data', c => (stderr += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** One store: an untouched control plan and one plan per case, tampered, then checked both ways. */
async function checkCases(t: Test, cases: Case[]): Promise<void> {
  const h = await startHarness({ store: 'sqlite' })
  t.teardown(() => h.close())
  const dbPath = (h.store as SqliteEventStore).path
  const control = await planOfEight(h)
  const ids: string[] = []
  for (let i = 0; i < cases.length; i++) ids.push(await planOfEight(h))

  // The plan catalogue (the head's second witness) has applied every event before anything is touched.
  t.ok(await h.ledger.projections.waitFor(await h.store.headPosition(), 5000), 'projections caught up')
  // Every plan checks before anything is touched.
  for (const id of [control, ...ids]) {
    const res = await h.request({ method: 'GET', url: `/v1/plans/${id}/integrity` })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { ok: true, events: 8 }, 'untouched plan verifies')
  }

  const plans = new Map<string, { c: Case; position: number }>()
  const editor = new Database(dbPath)
  try {
    cases.forEach((c, i) => plans.set(ids[i], { c, position: c.tamper(editor, `plan-${ids[i]}`) }))
  } finally {
    editor.close()
  }

  await t.test('GET /v1/plans/{planId}/integrity', async t => {
    const res = await h.request({ method: 'GET', url: `/v1/plans/${control}/integrity` })
    t.match(res.json(), { ok: true, events: 8 }, 'the untouched plan still verifies')
    for (const [id, { c, position }] of plans) {
      const r = await h.request({ method: 'GET', url: `/v1/plans/${id}/integrity` })
      t.equal(r.statusCode, 200, `${c.name}: 200 (got ${r.statusCode} ${r.body.slice(0, 300)})`)
      if (r.statusCode !== 200) continue
      const body = r.json()
      t.equal(body.ok, false, `${c.name}: not ok`)
      t.equal(body.firstBadPosition, position, `${c.name}: position ${position} (${body.detail})`)
      t.type(body.detail, 'string', `${c.name}: says what is wrong`)
    }
  })

  await t.test('gridledger verify --json', async t => {
    const { code, stdout, stderr } = await verifyCli(dbPath)
    t.equal(code, 1, `exit code 1 when a plan fails (stderr: ${stderr.slice(-500)})`)
    let verdicts: Array<{ planId: string; ok: boolean; firstBadPosition?: number; detail?: string }> = []
    try {
      verdicts = JSON.parse(stdout)
    } catch {
      t.fail(`verify printed no JSON: ${stdout.slice(0, 500)} ${stderr.slice(-1000)}`)
      return
    }
    const byId = new Map(verdicts.map(v => [v.planId, v]))
    t.match(byId.get(control), { ok: true, events: 8 }, 'the untouched plan verifies')
    for (const [id, { c, position }] of plans) {
      const v = byId.get(id)
      t.ok(v, `${c.name}: plan listed`)
      t.equal(v?.ok, false, `${c.name}: not ok`)
      t.equal(v?.firstBadPosition, position, `${c.name}: position ${position} (${v?.detail})`)
    }
  })
}

t.test('tampering with the SQLite file is reported with its position', t => checkCases(t, CASES))
