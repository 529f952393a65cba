// Idempotency-Key through the API, on every store: a repeat replays the first answer, another
// body is a 422, concurrent repeats share one answer, a key is scoped to its token, and a repeat
// that arrives while an earlier use of the key is being refused by the store is answered (it
// once spun the event loop for ever: issue 12). EventStoreDB runs on its test stand-in (not
// EventStoreDB) in both append modes: BatchAppend advertised, as real servers do, and not.
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { IdempotencyKeyTakenError, type EventStore } from '../../src/store/eventStore.js'
import { openEsdbEventStore } from '../../src/store/esdbEventStore.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { APPEND_MODES, startEsdbStandIn } from '../support/esdbStandIn.js'
import { seedPlan, startHarness } from '../support/harness.js'

interface Hooks {
  onKeyTaken?(): void
}

/** `store` with some of its methods replaced (adapters may be class instances: the rest stay bound to them). */
function overriding(store: EventStore, replaced: Partial<EventStore>): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property in replaced) return replaced[property as keyof EventStore]
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** Calls `hooks.onKeyTaken` when the store refuses an append because its key is already stored. */
function watched(store: EventStore, hooks: Hooks): EventStore {
  return overriding(store, {
    async append(streamId, events, options) {
      try {
        return await store.append(streamId, events, options)
      } catch (error) {
        if (error instanceof IdempotencyKeyTakenError) hooks.onKeyTaken?.()
        throw error
      }
    },
  })
}

/** The memory store with idempotency lookups that take a network round trip, as EventStoreDB's do. */
function networkLikeLookups(store: EventStore): EventStore {
  return overriding(store, {
    async findIdempotency(key) {
      await sleep(30)
      return store.findIdempotency(key)
    },
  })
}

const DAY_AND_HOUR = 25 * 60 * 60 * 1000

/** Prunes a store's idempotency records as its pruning would a day and an hour from now. */
const pruneAsTomorrow = (store: EventStore) => async () => {
  const later = new Date(Date.now() + DAY_AND_HOUR)
  await store.pruneIdempotency(new Date(later.getTime() - 24 * 60 * 60 * 1000), later)
}

interface OpenedStore {
  store: EventStore
  /** Lets every idempotency record stored so far pass its retention period (pruned or expired). */
  expire(): Promise<void>
}

const stores: { name: string; open(t: Test): Promise<OpenedStore> }[] = [
  {
    name: 'memory, lookups as slow as a network',
    open: async () => {
      const store = networkLikeLookups(createMemoryEventStore())
      return { store, expire: pruneAsTomorrow(store) }
    },
  },
  {
    name: 'sqlite',
    open: async () => {
      const store = (await import('../../src/store/sqliteEventStore.js')).openSqliteEventStore(':memory:')
      return { store, expire: pruneAsTomorrow(store) }
    },
  },
  ...APPEND_MODES.map(mode => ({
    name: `EventStoreDB stand-in, ${mode.name}`,
    async open(t: Test): Promise<OpenedStore> {
      const standIn = await startEsdbStandIn({ batchAppend: mode.batchAppend })
      t.teardown(() => standIn.stop())
      // EventStoreDB expires records by their age (the server then scavenges them): move the
      // server's clock and the adapter's on together.
      let offset = 0
      const store = await openEsdbEventStore(standIn.url, { streamPrefix: `gl-${randomUUID().slice(0, 8)}-`, now: () => Date.now() + offset })
      const expire = async () => {
        offset += DAY_AND_HOUR
        standIn.advanceClock(DAY_AND_HOUR)
      }
      return { store, expire }
    },
  })),
]

for (const { name, open } of stores) {
  t.test(name, async t => {
    const hooks: Hooks = {}
    const opened = await open(t)
    const h = await startHarness({ eventStore: watched(opened.store, hooks) })
    t.teardown(() => h.close())
    const f = await seedPlan(h)
    const url = `/v1/plans/${f.planId}/actions/${f.actionId}/progress`
    const send = (key: string, note: string, token?: string) =>
      h.request({ method: 'POST', url, payload: { effectiveDate: '2008-06-30', note }, headers: { 'idempotency-key': key }, ...(token ? { token } : {}) })

    t.test('repeat, another body, concurrent repeats, another token', async t => {
      const first = await send('k-1', 'once')
      t.equal(first.statusCode, 201)
      const repeat = await send('k-1', 'once')
      t.equal(repeat.statusCode, 201)
      t.equal(repeat.headers['idempotent-replayed'], 'true')
      t.same(repeat.json(), first.json(), 'the first answer, verbatim')
      t.equal(repeat.headers.etag, first.headers.etag)
      t.equal((await send('k-1', 'another body')).statusCode, 422)
      const concurrent = await Promise.all(Array.from({ length: 8 }, () => send('k-2', 'burst')))
      t.same(new Set(concurrent.map(r => r.statusCode)), new Set([201]))
      t.same(new Set(concurrent.map(r => r.json().eventId)).size, 1, 'concurrent repeats share one answer')
      const history = (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/history?actionId=${f.actionId}` })).json()
      t.equal(history.items.filter((e: { type: string }) => e.type === 'ProgressReported').length, 2, 'recorded once per key')
      const other = (await h.token('commissioner')).token
      const theirs = await send('k-1', 'once', other)
      t.equal(theirs.headers['idempotent-replayed'], undefined, "another token's identical key is its own key")
      t.not(theirs.json().eventId, first.json().eventId)
    })

    t.test('a key used again after its record was pruned records new events: never a false duplicate, a 409 or a 500', async t => {
      const count = async () =>
        (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/history?actionId=${f.actionId}&limit=1000` })).json().items.filter((e: { type: string }) => e.type === 'ProgressReported').length
      const first = await send('pruned-1', 'first use')
      t.equal(first.statusCode, 201)
      const before = await count()
      await opened.expire()
      const again = await send('pruned-1', 'first use')
      t.equal(again.statusCode, 201, 'the same request after the record went: recorded anew')
      t.equal(again.headers['idempotent-replayed'], undefined, 'not a replay')
      t.not(again.json().eventId, first.json().eventId, 'a new event, not the old one')
      t.equal(await count(), before + 1, 'and it is stored')
      t.equal((await send('pruned-1', 'first use')).headers['idempotent-replayed'], 'true', 'the key answers again from its new record')
      await opened.expire()
      const other = await send('pruned-1', 'another body after expiry')
      t.equal(other.statusCode, 201, 'another body after the record went: recorded')
      t.equal(await count(), before + 2)
    })

    t.test('a third use of a key arriving while the second is refused is answered, not spun on', async t => {
      let third: ReturnType<typeof send> | null = null
      // The moment the store refuses a second use of the key, the third request arrives.
      hooks.onKeyTaken = () => {
        third ??= send('race-1', 'another body')
      }
      t.teardown(() => (hooks.onKeyTaken = undefined))
      const [first, second] = await Promise.all([send('race-1', 'once'), send('race-1', 'once')])
      third ??= send('race-1', 'another body')
      const last = await third
      t.equal(first.statusCode, 201)
      t.equal(second.statusCode, 201)
      t.same(second.json(), first.json(), 'the repeat replays the first answer')
      t.equal(last.statusCode, 422, 'another body with the key: 422')
      t.equal((await h.request({ method: 'GET', url: '/health', token: null })).statusCode, 200, 'and the server still answers')
    })
  })
}
