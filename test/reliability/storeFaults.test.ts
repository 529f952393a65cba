// Store faults during appends: the disk fills up, or the database becomes read-only. Every
// POST then answers 503 (problem+json, Retry-After) or, while space lasts, 201 — never another
// 5xx, never an acknowledgement for something not stored. When the fault goes the next POST
// succeeds, the history holds every acknowledged report exactly once and none of the refused
// ones, the hash chain verifies and SQLite's own integrity check passes.
//
// Disk full is simulated twice: with PRAGMA max_page_count on the adapter's connection (runs
// everywhere), and for real on a tiny tmpfs filled by another file (only where this process may
// mount one, i.e. as root with CAP_SYS_ADMIN; skipped elsewhere).
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'

/** Fault-and-recover cycles per test: 1 in npm test, 10 with GRIDLEDGER_RELIABILITY=long. */
const CYCLES = process.env.GRIDLEDGER_RELIABILITY === 'long' ? 10 : 1

/** The harness on a SQLite file we name (so a test can fill its disk or make it read-only). */
const harnessAt = (sqlitePath: string): Promise<Harness> => startHarness({ sqlitePath })

interface Outcome {
  acknowledged: string[]
  refused: string[]
}

/**
 * POSTs progress reports with unique notes (big ones, so each needs new pages) until `refusals`
 * have been refused or `max` sent. Every answer must be 201 or 503.
 */
async function postUntilRefused(t: Test, h: Harness, f: Awaited<ReturnType<typeof seedPlan>>, label: string, refusals: number, max = 400): Promise<Outcome> {
  const out: Outcome = { acknowledged: [], refused: [] }
  const filler = 'x'.repeat(15_000)
  for (let i = 0; i < max && out.refused.length < refusals; i++) {
    const note = `${label} ${i} ${filler}`
    const res = await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-06-30', note } })
    if (res.statusCode === 201) out.acknowledged.push(note)
    else if (res.statusCode === 503) {
      out.refused.push(note)
      if (out.refused.length === 1) {
        t.match(res.headers['content-type'], /application\/problem\+json/, '503 is problem+json')
        t.ok(res.headers['retry-after'], '503 says when to retry')
        t.match(res.json(), { status: 503 }, '503 body')
      }
    } else {
      t.fail(`${label} POST ${i}: expected 201 or 503, got ${res.statusCode} ${res.body.slice(0, 300)}`)
      break
    }
  }
  return out
}

/** After the fault: a POST succeeds, history has each acknowledged note once and no refused one, chain and file check. */
async function checkRecovered(t: Test, h: Harness, f: Awaited<ReturnType<typeof seedPlan>>, outcome: Outcome, label: string): Promise<void> {
  const after = await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-06-30', note: `${label} after recovery` } })
  t.equal(after.statusCode, 201, `the first POST after the fault is acknowledged (${after.statusCode} ${after.body.slice(0, 200)})`)
  const notes: string[] = []
  for (let afterPos = 0; ; ) {
    const page = await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/history?after=${afterPos}&limit=1000` })
    t.equal(page.statusCode, 200, 'history reads')
    const body = page.json() as { items: Array<{ position: number; type: string; data: { note?: string } }>; next?: number }
    for (const item of body.items) if (item.type === 'ProgressReported' && item.data.note) notes.push(item.data.note)
    if (!body.next || body.items.length === 0) break
    afterPos = body.next
  }
  const counts = new Map<string, number>()
  for (const n of notes) counts.set(n, (counts.get(n) ?? 0) + 1)
  t.ok(
    outcome.acknowledged.every(n => counts.get(n) === 1),
    `every acknowledged report is in the history exactly once (${outcome.acknowledged.length})`,
  )
  t.ok(
    outcome.refused.every(n => !counts.has(n)),
    `no refused report is in the history (${outcome.refused.length})`,
  )
  t.equal(counts.get(`${label} after recovery`), 1, 'the report after recovery is stored')
  const integrity = await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/integrity` })
  t.match(integrity.json(), { ok: true }, 'hash chain verifies')
  const check = (h.store as SqliteEventStore).db.pragma('integrity_check', { simple: true })
  t.equal(check, 'ok', 'SQLite integrity_check')
}

t.test(`disk full (max_page_count), ${CYCLES} cycle(s): 503, nothing acknowledged, recovery when space returns`, async t => {
  const h = await harnessAt(join(mkdtempSync(join(tmpdir(), 'gridledger-faults-')), 'full.db'))
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const db = (h.store as SqliteEventStore).db
  const all: Outcome = { acknowledged: [], refused: [] }
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const pages = db.pragma('page_count', { simple: true }) as number
    db.pragma(`max_page_count = ${pages + 2}`)
    const outcome = await postUntilRefused(t, h, f, `full-${cycle}`, 3)
    t.ok(outcome.refused.length >= 1, `cycle ${cycle}: appends were refused once the file could not grow (${outcome.acknowledged.length} acknowledged first)`)
    const ready = await h.request({ method: 'GET', url: '/ready', token: null })
    t.equal(ready.statusCode, 200, `cycle ${cycle}: reads still work: /ready answers 200`)
    db.pragma('max_page_count = 1073741823')
    all.acknowledged.push(...outcome.acknowledged)
    all.refused.push(...outcome.refused)
    await checkRecovered(t, h, f, all, `full-${cycle}`)
    all.acknowledged.push(`full-${cycle} after recovery`)
  }
})

t.test(`read-only database, ${CYCLES} cycle(s): 503, nothing acknowledged, recovery when writable again`, async t => {
  const h = await harnessAt(join(mkdtempSync(join(tmpdir(), 'gridledger-faults-')), 'ro.db'))
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const db = (h.store as SqliteEventStore).db
  const all: Outcome = { acknowledged: [], refused: [] }
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    // SQLITE_READONLY for every write on this connection, as for a file that became read-only.
    db.pragma('query_only = ON')
    const outcome = await postUntilRefused(t, h, f, `readonly-${cycle}`, 3, 10)
    t.equal(outcome.acknowledged.length, 0, `cycle ${cycle}: nothing acknowledged while read-only`)
    t.equal(outcome.refused.length, 3, `cycle ${cycle}: every append refused with 503`)
    const plan = await h.request({ method: 'GET', url: `/v1/plans/${f.planId}` })
    t.equal(plan.statusCode, 200, `cycle ${cycle}: reads still work`)
    db.pragma('query_only = OFF')
    all.refused.push(...outcome.refused)
    await checkRecovered(t, h, f, all, `readonly-${cycle}`)
    all.acknowledged.push(`readonly-${cycle} after recovery`)
  }
})

t.test('disk full for real: a tiny tmpfs filled by another file', async t => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    t.plan(0, 'needs root on Linux to mount a tmpfs')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'gridledger-tmpfs-'))
  const mnt = join(dir, 'mnt')
  mkdirSync(mnt)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt], { stdio: 'pipe' })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    t.plan(0, `cannot mount a tmpfs here: ${String((error as Error).message).split('\n')[0]}`)
    return
  }
  let h: Harness | null = null
  t.teardown(async () => {
    await h?.close()
    try {
      execFileSync('umount', ['-l', mnt], { stdio: 'pipe' })
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true })
  })
  h = await harnessAt(join(mnt, 'store.db'))
  const f = await seedPlan(h)
  // Fill what is left of the filesystem.
  const fillerPath = join(mnt, 'filler')
  const fd = openSync(fillerPath, 'w')
  const chunk = Buffer.alloc(16 * 1024, 1)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    closeSync(fd)
  }
  const outcome = await postUntilRefused(t, h, f, 'tmpfs', 3)
  t.ok(outcome.refused.length >= 1, `appends were refused on a full disk (${outcome.acknowledged.length} acknowledged first, into space SQLite already had)`)
  unlinkSync(fillerPath)
  await checkRecovered(t, h, f, outcome, 'tmpfs')
  await h.close()
  h = null
  // The file itself, reopened by another connection, is sound.
  const other = new Database(join(mnt, 'store.db'), { readonly: true })
  t.equal(other.pragma('integrity_check', { simple: true }), 'ok', 'another connection finds the file sound')
  other.close()
})
