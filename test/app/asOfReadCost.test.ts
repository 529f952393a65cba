// The cost of an as-of read (PlanQueries.state, what GET /v1/plans/{id}?asOf= runs) on the SQLite
// store must not grow with the plan's history: at n and 4n events, interleaved with another
// plan's as real traffic is, the read as of the plan's end runs the same statements, reads the
// same number of rows and the same bytes from SQLite, and none of its statements scans a table.
// The same holds for what changed between two instants (two as-of reads) and for a read refused
// to a principal who may not see the plan (answered from the catalogue). Counted, never timed.
import Database from 'better-sqlite3'
import t from 'tap'
import type { Principal } from '../../src/domain/actor.js'
import { PlanQueries } from '../../src/app/planQueries.js'
import { planStreamId } from '../../src/domain/planStream.js'
import { londonDate } from '../../src/domain/values/calendarDate.js'
import { planChanges } from '../../src/projections/folds/planChanges.js'
import { projectPlanState } from '../../src/projections/folds/planState.js'
import { fromStored } from '../../src/projections/recordedEvent.js'
import { createPlanCatalogueProjection } from '../../src/projections/readModels/planCatalogue.js'
import { rebuildProjections, type ProjectionRunner } from '../../src/projections/readModels/runner.js'
import { PlanScript } from '../projections/support/planScript.js'
import { createSqliteReadModels } from '../../src/projections/storage/sqliteReadModels.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { appendScript, tempDbPath } from '../projections/support/stores.js'

const ADMIN: Principal = { tokenId: null, role: 'admin', label: 'test', owners: [] }
const RUNNER: ProjectionRunner = { waitFor: async () => true, position: () => 0, lastError: () => null, close: async () => undefined }

interface Executed {
  sql: string
  args: unknown[]
  rows: number
  bytes: number
}

/** Records every statement better-sqlite3 runs while `fn` runs: its SQL, arguments, rows and bytes of text returned. */
async function recordStatements<T>(fn: () => Promise<T>): Promise<{ result: T; executed: Executed[] }> {
  const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<'get' | 'all' | 'iterate', (...args: unknown[]) => unknown>
  const originals = { get: proto.get, all: proto.all, iterate: proto.iterate }
  const executed: Executed[] = []
  const sizeOf = (row: unknown) => (row === undefined ? 0 : Buffer.byteLength(JSON.stringify(row)))
  proto.get = function (this: { source: string }, ...args: unknown[]) {
    const row = originals.get.apply(this, args)
    executed.push({ sql: this.source, args, rows: row === undefined ? 0 : 1, bytes: sizeOf(row) })
    return row
  }
  proto.all = function (this: { source: string }, ...args: unknown[]) {
    const rows = originals.all.apply(this, args) as unknown[]
    executed.push({ sql: this.source, args, rows: rows.length, bytes: rows.reduce<number>((n, r) => n + sizeOf(r), 0) })
    return rows
  }
  proto.iterate = function (this: { source: string }, ...args: unknown[]) {
    executed.push({ sql: this.source, args, rows: NaN, bytes: NaN })
    return originals.iterate.apply(this, args)
  }
  try {
    return { result: await fn(), executed }
  } finally {
    Object.assign(proto, originals)
  }
}

/** The plan `updates` progress reports long (one an hour from April 2008), appended in turns with another plan's. */
async function interleavedStore(updates: number) {
  const store = openSqliteEventStore(tempDbPath())
  const readModels = createSqliteReadModels(store.db)
  const plan = (id: string, note: string) => {
    const script = new PlanScript(id, '2008-04-02T09:00:00.000Z').create()
    const objective = script.objective(script.grid(1, 'Treatment'), 'More in treatment', '1')
    return { script, action: script.action(objective, { text: `Open a clinic (${note})`, owners: ['CNWL'] }) }
  }
  const long = plan('p-long', 'the long plan')
  const other = plan('p-other', 'traffic')
  for (let i = 0; i < updates; i++) {
    const at = new Date(Date.parse('2008-04-03T09:00:00.000Z') + i * 3_600_000).toISOString()
    long.script.at(at).run({ type: 'ReportProgress', actionId: long.action, effectiveDate: at.slice(0, 10), note: `Update ${i % 1000}` })
    other.script.at(new Date(Date.parse(at) + 60_000).toISOString()).run({ type: 'ReportProgress', actionId: other.action, effectiveDate: at.slice(0, 10), note: `Update ${i % 1000}` })
    if (i % 7 === 6) {
      await appendScript(store, long.script)
      await appendScript(store, other.script)
    }
  }
  await appendScript(store, long.script)
  await appendScript(store, other.script)
  await rebuildProjections(store, readModels, [createPlanCatalogueProjection({ snapshotEvery: 50 })])
  return { store, readModels, db: store.db, end: long.script.events[long.script.events.length - 1].recordedAt }
}

t.test('an as-of read at the end of a plan reads the same rows and bytes at n and 4n events of history, and scans nothing', async t => {
  const costs: Array<{ statements: string[]; rows: number; bytes: number }> = []
  for (const updates of [500, 2_000]) {
    const { store, readModels, db, end } = await interleavedStore(updates)
    const plans = new PlanQueries(store, readModels, RUNNER, () => new Date('2009-06-01T00:00:00.000Z'))
    await plans.state('p-long', ADMIN, { asOf: end })
    const { result, executed } = await recordStatements(() => plans.state('p-long', ADMIN, { asOf: end }))
    t.equal(result.version, updates + 4, `${updates} updates: the whole plan as of its end`)
    for (const { sql, args } of executed) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>
      t.notOk(plan.some(step => /^SCAN /.test(step.detail)), `through an index: ${sql.replace(/\s+/g, ' ')} (${plan.map(s => s.detail).join('; ')})`)
    }
    costs.push({ statements: executed.map(e => e.sql), rows: executed.reduce((n, e) => n + e.rows, 0), bytes: executed.reduce((n, e) => n + e.bytes, 0) })
    await store.close()
  }
  const [n, n4] = costs
  t.same(n4.statements, n.statements, 'the same statements')
  t.equal(n4.rows, n.rows, `the same rows read (${n.rows})`)
  // Digits in versions and times may differ by a few bytes; a growing index or state would not.
  t.ok(Math.abs(n4.bytes - n.bytes) <= 32, `the same bytes read: ${n.bytes} at n, ${n4.bytes} at 4n`)
})

t.test('a principal who may not see the plan is refused from the catalogue, without reading the plan’s history', async t => {
  const stranger: Principal = { tokenId: 'tok-stranger', role: 'provider', label: 'another provider', owners: ['Another Provider'] }
  const costs: Array<{ rows: number; streamRows: number }> = []
  for (const updates of [500, 2_000]) {
    const { store, readModels } = await interleavedStore(updates)
    const plans = new PlanQueries(store, readModels, RUNNER, () => new Date('2009-06-01T00:00:00.000Z'))
    const { executed } = await recordStatements(async () => {
      await t.rejects(plans.state('p-long', stranger, {}), { name: 'NotFoundError' }, `${updates} updates: the same 404 as a plan that does not exist`)
      await t.rejects(plans.history('p-long', stranger, {}), { name: 'NotFoundError' }, `${updates} updates: its history too`)
      await t.rejects(plans.events('p-long', stranger), { name: 'NotFoundError' }, `${updates} updates: and its events (meetings, sign-offs, changes)`)
    })
    costs.push({ rows: executed.reduce((n, e) => n + e.rows, 0), streamRows: executed.filter(e => e.args.includes(planStreamId('p-long'))).reduce((n, e) => n + e.rows, 0) })
    await store.close()
  }
  const [n, n4] = costs
  t.equal(n.streamRows, 0, `no event of the plan read at n (${n.streamRows} rows)`)
  t.equal(n4.streamRows, 0, `none at 4n (${n4.streamRows} rows)`)
  t.equal(n4.rows, n.rows, `the same rows read at n and 4n (${n.rows}, ${n4.rows})`)
})

t.test('what changed between two instants near a plan’s end reads the same rows at n and 4n events of history', async t => {
  const costs: Array<{ rows: number; changed: string }> = []
  for (const updates of [500, 2_000]) {
    const { store, readModels, end } = await interleavedStore(updates)
    const plans = new PlanQueries(store, readModels, RUNNER, () => new Date('2009-06-01T00:00:00.000Z'))
    const from = new Date(Date.parse(end) - 10 * 3_600_000 - 1).toISOString()
    const { result, executed } = await recordStatements(() => plans.changes('p-long', ADMIN, { from, to: end }))
    costs.push({ rows: executed.reduce((n, e) => n + e.rows, 0), changed: JSON.stringify(result) })
    await store.close()
  }
  const [n, n4] = costs
  t.ok(n.rows < 200, `rows read at n: ${n.rows}, not the plan's 504 events`)
  t.equal(n4.rows, n.rows, `the same rows read at n and 4n (${n.rows}, ${n4.rows})`)
})

t.test('what changed, folded from snapshots, is what folding the whole history gives', async t => {
  const { store, readModels, end } = await interleavedStore(300)
  t.teardown(() => store.close())
  const clock = () => new Date('2009-06-01T00:00:00.000Z')
  const plans = new PlanQueries(store, readModels, RUNNER, clock)
  const events = (await store.readStream(planStreamId('p-long'))).map(fromStored)
  const start = Date.parse(events[0].recordedAt) - 3_600_000
  const span = Date.parse(end) + 3_600_000 - start
  // Instants before the plan, inside it (on and between recordings, across snapshots) and after it.
  const at = (i: number) => new Date(start + Math.floor((span * ((i * 7919) % 101)) / 100)).toISOString()
  for (let i = 0; i < 24; i++) {
    const [from, to] = [at(i), at(i + 37)]
    const effectiveOn = i % 3 === 0 ? '2008-04-10' : undefined
    const fold = (asOf: string) => projectPlanState(events, { asOf, effectiveOn: effectiveOn ?? londonDate(asOf < clock().toISOString() ? asOf : clock().toISOString()) })
    const expected = planChanges(fold(from), fold(to), { from, to })
    t.same(await plans.changes('p-long', ADMIN, { from, to, effectiveOn }), expected, `${from} → ${to}${effectiveOn ? ` effective on ${effectiveOn}` : ''}`)
  }
})
