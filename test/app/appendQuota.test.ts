// The per-token per-plan daily append quota, in the command handler: past it a command is
// refused whole (AppendQuotaExceededError, retry after midnight UTC) and nothing is recorded;
// other tokens, other plans and the next UTC day are unaffected; and the count comes from the
// plan's stream, so a restart (a new handler on the same SQLite file) does not reset it.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppendQuota, AppendQuotaExceededError } from '../../src/app/appendQuota.js'
import { CommandHandler } from '../../src/app/commandHandler.js'
import type { Principal } from '../../src/domain/actor.js'
import type { PlanCommand } from '../../src/domain/commands.js'
import { planStreamId } from '../../src/domain/planStream.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'

const dir = mkdtempSync(join(tmpdir(), 'gl-quota-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const alice: Principal = { tokenId: 'tok-alice', role: 'commissioner', label: 'Alice', owners: [] }
const bob: Principal = { tokenId: 'tok-bob', role: 'commissioner', label: 'Bob', owners: [] }
const cli: Principal = { tokenId: null, role: 'admin', label: 'cli', owners: [] }
const create = (planId: string): PlanCommand => ({ type: 'CreatePlan', planId, partnership: 'Ealing DAAT', year: '2008/09' })
const grid = (n: number): PlanCommand => ({ type: 'AddGrid', gridId: `g${n}`, number: n, title: `Grid ${n}` })

function clockAt(iso: string) {
  let ms = Date.parse(iso)
  return Object.assign(() => new Date(ms++), { set: (next: string) => (ms = Date.parse(next)) })
}

t.test('past the quota a command is refused whole, until the next UTC day; a restart does not reset it', async t => {
  const path = join(dir, 'quota.db')
  const clock = clockAt('2008-07-20T23:00:00.000Z')
  let store = openSqliteEventStore(path)
  let handler = new CommandHandler(store, clock, new AppendQuota(5))
  let n = 1
  await handler.execute('p1', create('p1'), { principal: alice })
  for (; n <= 3; n++) await handler.execute('p1', grid(n), { principal: alice })
  // 4 events recorded by alice; a batch of two would make 6.
  const refused = await handler.executeBatch('p1', [grid(10), grid(11)], { principal: alice }).catch((e: unknown) => e)
  t.type(refused, AppendQuotaExceededError, 'a batch that would pass the quota is refused whole')
  t.match(refused, { limit: 5, used: 4, wanted: 2, retryAfterSeconds: 3600 }, 'retry after midnight UTC, an hour away')
  t.equal(await store.streamVersion(planStreamId('p1')), 4, 'nothing of it was recorded')
  await handler.execute('p1', grid(n++), { principal: alice })
  await t.rejects(handler.execute('p1', grid(n), { principal: alice }), AppendQuotaExceededError, 'the sixth event is refused')
  await handler.execute('p1', grid(n++), { principal: bob }).then(() => t.pass('another token has its own allowance'))
  await handler.execute('p1', grid(n++), { principal: cli }).then(() => t.pass('the CLI (no token) is not counted'))
  await handler.execute('p2', create('p2'), { principal: alice }).then(() => t.pass('another plan has its own allowance'))

  // A restart: a new handler on the same file knows only what the stream says.
  await store.close()
  store = openSqliteEventStore(path)
  handler = new CommandHandler(store, clock, new AppendQuota(5))
  await t.rejects(handler.execute('p1', grid(n), { principal: alice }), AppendQuotaExceededError, 'still refused after a restart')
  await handler.execute('p1', grid(n++), { principal: bob }).then(() => t.pass('bob used 1 of 5'))

  clock.set('2008-07-21T00:00:00.000Z')
  for (let i = 0; i < 5; i++) await handler.execute('p1', grid(n++), { principal: alice })
  t.pass('a new UTC day: five more')
  await t.rejects(handler.execute('p1', grid(n), { principal: alice }), AppendQuotaExceededError, 'and no sixth')
  await store.close()
})

t.test('another instance’s appends are counted once it meets them', async t => {
  const path = join(dir, 'two.db')
  const clock = clockAt('2008-07-20T09:00:00.000Z')
  const one = openSqliteEventStore(path)
  const two = openSqliteEventStore(path)
  t.teardown(async () => {
    await one.close()
    await two.close()
  })
  const first = new CommandHandler(one, clock, new AppendQuota(4))
  const second = new CommandHandler(two, clock, new AppendQuota(4))
  await first.execute('p', create('p'), { principal: alice })
  await first.execute('p', grid(1), { principal: alice }) // first's cache holds the plan at 2 events
  await second.execute('p', grid(2), { principal: alice })
  await second.execute('p', grid(3), { principal: alice }) // 4 by alice now
  await t.rejects(first.execute('p', grid(4), { principal: alice }), AppendQuotaExceededError, 'the first instance reloads on the conflict and counts all four')
  t.equal(await one.streamVersion(planStreamId('p')), 4)
})

t.test('0 turns the quota off', async t => {
  const store = openSqliteEventStore(join(dir, 'off.db'))
  t.teardown(() => store.close())
  const handler = new CommandHandler(store, clockAt('2008-07-20T09:00:00.000Z'), new AppendQuota(0))
  await handler.execute('p', create('p'), { principal: alice })
  await handler.executeBatch('p', Array.from({ length: 50 }, (_, i) => grid(i + 1)), { principal: alice })
  t.equal(await store.streamVersion(planStreamId('p')), 51)
})
