// The command handler on its own (no HTTP): its cache of decision states, its retry on a
// version conflict, and how an If-Match precondition is re-checked against the store before a
// conflict is called a 412. A real memory store underneath; `counting` wraps it to count reads
// to inject append failures
// and to let another writer in just before an append.
import t from 'tap'
import { CommandHandler } from '../../src/app/commandHandler.js'
import { ContentionError, PreconditionFailedError } from '../../src/app/errors.js'
import type { Principal } from '../../src/domain/actor.js'
import type { PlanCommand } from '../../src/domain/commands.js'
import { ConflictError } from '../../src/domain/errors.js'
import { PLAN_EVENT_VERSIONS } from '../../src/domain/events.js'
import { planStreamId } from '../../src/domain/planStream.js'
import { StoreUnavailableError, VersionConflictError, type EventStore } from '../../src/store/eventStore.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'

const principal: Principal = { tokenId: 'tok-c', role: 'commissioner', label: 'DAAT', owners: [] }
const P = 'p-handler'
const stream = planStreamId(P)
const create: PlanCommand = { type: 'CreatePlan', planId: P, partnership: 'Ealing DAAT', year: '2008/09' }
const grid = (n: number): PlanCommand => ({ type: 'AddGrid', gridId: `g${n}`, number: n, title: `Grid ${n}` })

function clock() {
  let ms = Date.parse('2008-07-20T09:00:00.000Z')
  return () => new Date(ms++)
}

/**
 * The memory store, counting stream reads and appends. `failNext` makes the next appends throw;
 * `beforeNextAppend` runs something (another writer) just before the next append reaches the store.
 */
function counting(inner: EventStore = createMemoryEventStore()) {
  const counts = { reads: 0, appends: 0 }
  const failures: Error[] = []
  const before: Array<() => Promise<void>> = []
  const overrides: Partial<EventStore> = {
    readStream: (streamId, options) => (counts.reads++, inner.readStream(streamId, options)),
    append: async (streamId, events, options) => {
      counts.appends++
      const failure = failures.shift()
      if (failure) throw failure
      await before.shift()?.()
      return inner.append(streamId, events, options)
    },
  }
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop in overrides) return overrides[prop as keyof EventStore]
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return {
    store,
    inner,
    counts,
    failNext: (...errors: Error[]) => failures.push(...errors),
    beforeNextAppend: (fn: () => Promise<void>) => before.push(fn),
  }
}

/** Another writer (another process, say) appends straight to the plan's stream. */
async function writeBehindTheCache(store: EventStore, gridNumber: number) {
  const version = await store.streamVersion(stream)
  await store.append(stream, [{
    id: `other-${gridNumber}`,
    type: 'GridAdded',
    schemaVersion: PLAN_EVENT_VERSIONS.GridAdded,
    data: { planId: P, gridId: `other-${gridNumber}`, number: gridNumber, title: 'Added elsewhere' },
    metadata: { actor: { tokenId: null, role: 'admin', label: 'other process' } },
    recordedAt: '2008-07-20T10:00:00.000Z',
  }], { expectedVersion: version })
}

t.test('the decision state is cached: a plan is read once, then decided on from memory', async t => {
  const s = counting()
  const handler = new CommandHandler(s.store, clock())
  const first = await handler.execute(P, create, { principal })
  t.equal(first.version, 1)
  await handler.execute(P, grid(1), { principal })
  await handler.execute(P, grid(2), { principal })
  t.equal(s.counts.reads, 1, 'one read of the stream for three commands')
  t.equal(await s.inner.streamVersion(stream), 3)
  await t.rejects(handler.execute(P, grid(2), { principal }), ConflictError, 'the cached state knows grid 2')
  t.equal(s.counts.reads, 1, 'a rejected command keeps the cache')
})

t.test('concurrent commands on one plan are pipelined, not retried', async t => {
  const s = counting()
  const handler = new CommandHandler(s.store, clock())
  await handler.execute(P, create, { principal })
  const results = await Promise.all([1, 2, 3, 4].map(n => handler.execute(P, grid(n), { principal })))
  t.same(results.map(r => r.version).sort(), [2, 3, 4, 5], 'each decided on the one before')
  t.equal(s.counts.appends, 5, 'no append was retried')
  t.equal(s.counts.reads, 1)
})

t.test('a version conflict discards the cache, reloads and decides again on the stored state', async t => {
  const s = counting()
  const handler = new CommandHandler(s.store, clock())
  await handler.execute(P, create, { principal })
  await writeBehindTheCache(s.inner, 7)
  const result = await handler.execute(P, grid(1), { principal })
  t.equal(result.version, 3, 'appended after the other writer\'s event')
  t.equal(s.counts.reads, 2, 'the stream was read again after the conflict')
  t.equal(s.counts.appends, 3, 'the first attempt conflicted, the second landed')
  await writeBehindTheCache(s.inner, 8)
  await t.rejects(handler.execute(P, grid(8), { principal }), ConflictError, 'the retry decides on the reloaded state: grid 8 is now taken')
  t.equal(await s.inner.streamVersion(stream), 4, 'nothing of the refused command was stored')
})

t.test('a failed append discards the speculative state; the next command reloads', async t => {
  const s = counting()
  const handler = new CommandHandler(s.store, clock())
  await handler.execute(P, create, { principal })
  s.failNext(new StoreUnavailableError('disk gone'))
  await t.rejects(handler.execute(P, grid(1), { principal }), StoreUnavailableError, 'a store fault is not retried')
  const result = await handler.execute(P, grid(1), { principal })
  t.equal(result.version, 2, 'grid 1 was never stored, so adding it again succeeds')
  t.equal(s.counts.reads, 2, 'the state was reloaded')
})

t.test('endless conflicts end in ContentionError after a bounded number of attempts', async t => {
  const s = counting()
  const handler = new CommandHandler(s.store, clock())
  await handler.execute(P, create, { principal })
  const appendsBefore = s.counts.appends
  s.failNext(...Array.from({ length: 20 }, () => new VersionConflictError(stream, 1, 1)))
  await t.rejects(handler.execute(P, grid(1), { principal }), ContentionError)
  t.equal(s.counts.appends - appendsBefore, 8, 'eight attempts without If-Match')
  t.equal(await s.inner.streamVersion(stream), 1)
})

t.test('If-Match: 412 only when the stored version really differs', async t => {
  t.test('matches the cached version: the command runs', async t => {
    const handler = new CommandHandler(createMemoryEventStore(), clock())
    await handler.execute(P, create, { principal })
    t.equal((await handler.execute(P, grid(1), { principal, expectedVersion: 1 })).version, 2)
  })

  t.test('older than the plan: PreconditionFailedError naming both versions', async t => {
    const s = counting()
    const handler = new CommandHandler(s.store, clock())
    await handler.execute(P, create, { principal })
    await handler.execute(P, grid(1), { principal })
    const error = await handler.execute(P, grid(2), { principal, expectedVersion: 1 }).catch(e => e)
    t.type(error, PreconditionFailedError)
    t.match(error, { expected: 1, actual: 2 })
    t.equal(s.counts.appends, 2, 'nothing was appended')
  })

  t.test('right, though the cache is stale (another writer): re-checked against the store, then run', async t => {
    const s = counting()
    const handler = new CommandHandler(s.store, clock())
    await handler.execute(P, create, { principal })
    await writeBehindTheCache(s.inner, 7)
    const result = await handler.execute(P, grid(1), { principal, expectedVersion: 2 })
    t.equal(result.version, 3, 'not a 412: the caller had seen version 2')
    t.equal(s.counts.reads, 2, 'reloaded')
  })

  t.test('the plan moves between the check and the append: re-checked, and a real mismatch is a 412', async t => {
    const s = counting()
    const handler = new CommandHandler(s.store, clock())
    await handler.execute(P, create, { principal })
    // The cache and the caller agree on version 1; the store moves on before the append lands.
    s.beforeNextAppend(() => writeBehindTheCache(s.inner, 7))
    const error = await handler.execute(P, grid(1), { principal, expectedVersion: 1 }).catch(e => e)
    t.type(error, PreconditionFailedError, 'not a 409 nor a silent retry onto version 2')
    t.match(error, { expected: 1, actual: 2 })
    t.equal(await s.inner.streamVersion(stream), 2, 'only the other writer\'s event is stored')
  })

  t.test('a conflict with If-Match is retried once at most', async t => {
    const s = counting()
    const handler = new CommandHandler(s.store, clock())
    await handler.execute(P, create, { principal })
    const appendsBefore = s.counts.appends
    s.failNext(...Array.from({ length: 5 }, () => new VersionConflictError(stream, 1, 1)))
    const error = await handler.execute(P, grid(1), { principal, expectedVersion: 1 }).catch(e => e)
    t.type(error, PreconditionFailedError)
    t.match(error, { expected: 1, actual: 1 })
    t.equal(s.counts.appends - appendsBefore, 2, 'two attempts')
  })
})

t.test('commands that change nothing append nothing', async t => {
  const s = counting()
  const handler = new CommandHandler(s.store, clock())
  await handler.execute(P, create, { principal })
  const result = await handler.executeBatch(P, [], { principal })
  t.same(result.events, [])
  t.equal(result.append, null)
  t.equal(result.version, 1)
  t.equal(s.counts.appends, 1)
})

t.test('a batch is one atomic append; a rejected command in it stores nothing', async t => {
  const s = counting()
  const handler = new CommandHandler(s.store, clock())
  const result = await handler.executeBatch(P, [create, grid(1), grid(2)], { principal })
  t.equal(result.version, 3)
  t.equal(s.counts.appends, 1)
  await t.rejects(handler.executeBatch(P, [grid(3), grid(1)], { principal }), ConflictError)
  t.equal(await s.inner.streamVersion(stream), 3, 'grid 3 was not stored either')
  t.equal((await handler.execute(P, grid(3), { principal })).version, 4, 'and the cache was left as it was')
})
