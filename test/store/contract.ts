// The event store contract: every adapter (memory, SQLite, EventStoreDB) must pass this one
// suite. It is adapter-agnostic (no SQL, no file system) and does not assume an empty store:
// every test works on streams named with a fresh random prefix and only looks at its own events,
// so it also runs against a shared EventStoreDB.
//
// Usage (from an adapter's *.test.ts):
//
//   import t from 'tap'
//   import { storeContract } from './contract.js'
//   storeContract(t, 'sqlite', async () => ({ store, reopen, cleanup }))
//
//   export function storeContract(t: Test, name: string, open: OpenContractStore): void
//   type OpenContractStore = () => Promise<{
//     store: EventStore                      // a fresh (or shared) open store
//     reopen?: () => Promise<EventStore>     // opens the same data again; the suite has already
//                                            //   awaited store.close() before calling it
//     cleanup?: () => Promise<void>          // after the test has closed every store it opened
//   }>
//
// `open` is called once per subtest; the suite closes every store it was given or reopened.
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  DuplicateEventError,
  IdempotencyKeyTakenError,
  StoreUnavailableError,
  VersionConflictError,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '../../src/store/eventStore.js'
import { eventHash, GENESIS_HASH, verifyChain } from '../../src/store/hashChain.js'

export interface ContractStore {
  store: EventStore
  reopen?: () => Promise<EventStore>
  cleanup?: () => Promise<void>
}

export type OpenContractStore = () => Promise<ContractStore>

let clockMs = Date.parse('2008-07-20T09:00:00.000Z')

/** A new event with a fresh id and a recordedAt one millisecond after the previous one. */
export function newEvent(type = 'Tested', data: Record<string, unknown> = {}, metadata: Record<string, unknown> = { actor: { tokenId: 'tok-test', role: 'admin', label: 'contract' } }): NewEvent {
  return { id: randomUUID(), type, schemaVersion: 1, data, metadata, recordedAt: new Date(clockMs++).toISOString() }
}

/** Awaits a promise that must reject with `cls`; returns the error. */
async function rejection<E>(promise: Promise<unknown>, cls: abstract new (...args: never[]) => E): Promise<E> {
  let outcome: unknown
  try {
    outcome = await promise
  } catch (error) {
    if (error instanceof cls) return error
    throw new Error(`expected ${cls.name}, got ${String(error)}`, { cause: error })
  }
  throw new Error(`expected ${cls.name}, but it resolved with ${JSON.stringify(outcome)?.slice(0, 200)}`)
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(2)
  }
}

/** Every event after `after`, paging with readAll. */
async function readAllAfter(store: EventStore, after: number, limit = 100): Promise<StoredEvent[]> {
  const out: StoredEvent[] = []
  for (;;) {
    const page = await store.readAll({ after, limit })
    if (page.length === 0) return out
    out.push(...page)
    after = page[page.length - 1].position
  }
}

export function storeContract(t: Test, name: string, open: OpenContractStore): void {
  t.test(`${name}: event store contract`, async t => {
    /** Opens a store for one subtest and closes/cleans it up at the subtest's end. */
    const setup = async (t: Test) => {
      const opened = await open()
      const stores: EventStore[] = [opened.store]
      const prefix = `contract-${randomUUID().slice(0, 8)}`
      t.teardown(async () => {
        for (const s of stores) await s.close().catch(() => undefined)
        await opened.cleanup?.()
      })
      return { ...opened, stores, stream: (label: string) => `${prefix}-${label}`, prefix }
    }

    t.test('append and read back: versions, order, results', async t => {
      const { store, stream } = await setup(t)
      const s = stream('a')
      t.equal(await store.streamVersion(s), 0, 'a new stream is at version 0')
      t.same(await store.readStream(s), [], 'a new stream reads as []')
      const [e1, e2, e3] = [newEvent('One', { n: 1 }), newEvent('Two', { n: 2 }), newEvent('Three', { n: 3 })]
      const r1 = await store.append(s, [e1, e2], { expectedVersion: 0 })
      t.equal(r1.streamId, s)
      t.equal(r1.version, 2, 'version after the append')
      t.equal(r1.duplicate, false)
      t.same(r1.events.map(e => [e.id, e.version, e.streamId]), [[e1.id, 1, s], [e2.id, 2, s]])
      t.ok(r1.events[0].position < r1.events[1].position, 'positions increase within an append')
      t.equal(r1.position, r1.events[1].position, 'result position is the last event position')
      const r2 = await store.append(s, [e3], { expectedVersion: 2 })
      t.equal(r2.version, 3)
      t.ok(r2.position > r1.position)
      const read = await store.readStream(s)
      t.same(read.map(e => e.id), [e1.id, e2.id, e3.id], 'events in append order')
      t.same(read.map(e => e.version), [1, 2, 3], 'versions 1..n')
      t.strictSame(read, [...r1.events, ...r2.events], 'read back equals what append returned')
      t.same((await store.readStream(s, { fromVersion: 2 })).map(e => e.version), [2, 3], 'fromVersion')
      t.same((await store.readStream(s, { toVersion: 2 })).map(e => e.version), [1, 2], 'toVersion')
      t.same((await store.readStream(s, { fromVersion: 2, toVersion: 2 })).map(e => e.version), [2], 'from..to')
      t.same((await store.readStream(s, { limit: 1 })).map(e => e.version), [1], 'limit')
      // A page of the stream (history pages read only the page): from a version, at most `limit`.
      t.same((await store.readStream(s, { fromVersion: 2, limit: 1 })).map(e => e.version), [2], 'fromVersion with limit')
      t.same((await store.readStream(s, { fromVersion: 3, limit: 5 })).map(e => e.version), [3], 'a page running past the end')
      t.same((await store.readStream(s, { fromVersion: 4 })), [], 'past the end')
      t.equal(await store.streamVersion(s), 3)
      t.ok((await store.headPosition()) >= r2.position, 'head is at or after the last append')
      t.same(await store.readStream(stream('never')), [], 'unknown stream')
    })

    t.test('positions strictly increase across streams', async t => {
      const { store, stream } = await setup(t)
      const before = await store.headPosition()
      const results: AppendResult[] = []
      const version: Record<string, number> = {}
      for (let i = 0; i < 12; i++) {
        const s = stream(`s${i % 3}`)
        const r = await store.append(s, [newEvent('E', { i }), ...(i % 4 === 0 ? [newEvent('E', { i, second: true })] : [])], { expectedVersion: version[s] ?? 0 })
        version[s] = r.version
        results.push(r)
      }
      const positions = results.flatMap(r => r.events.map(e => e.position))
      t.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]), 'each committed event has a higher position than every earlier one')
      t.ok(positions[0] > before, 'positions are after the head before the test')
      const ours = (await readAllAfter(store, before)).filter(e => e.streamId.startsWith(stream('')))
      t.same(ours.map(e => e.position), positions, 'readAll returns them in the same global order')
      t.ok((await store.headPosition()) >= positions[positions.length - 1])
    })

    t.test('expected version: number, 0 for a new stream, any', async t => {
      const { store, stream } = await setup(t)
      const s = stream('ev')
      const c1 = await rejection(store.append(s, [newEvent()], { expectedVersion: 1 }), VersionConflictError)
      t.match(c1, { name: 'VersionConflictError', streamId: s, expected: 1, actual: 0 }, 'a stream that does not exist is at 0')
      t.equal(await store.streamVersion(s), 0, 'nothing written')
      t.equal((await store.append(s, [newEvent()], { expectedVersion: 0 })).version, 1, '0 creates the stream')
      const c2 = await rejection(store.append(s, [newEvent()], { expectedVersion: 0 }), VersionConflictError)
      t.match(c2, { streamId: s, expected: 0, actual: 1 }, '0 on an existing stream conflicts')
      const c3 = await rejection(store.append(s, [newEvent(), newEvent()], { expectedVersion: 5 }), VersionConflictError)
      t.match(c3, { expected: 5, actual: 1 }, 'ahead of the stream conflicts')
      t.equal(await store.streamVersion(s), 1, 'conflicts write nothing')
      t.equal((await store.append(s, [newEvent(), newEvent()], { expectedVersion: 'any' })).version, 3, "'any' appends to an existing stream")
      t.equal((await store.append(stream('ev-any'), [newEvent()], { expectedVersion: 'any' })).version, 1, "'any' creates a stream")
      t.equal((await store.append(s, [newEvent()], { expectedVersion: 3 })).version, 4, 'the exact version appends')
      t.same((await store.readStream(s)).map(e => e.version), [1, 2, 3, 4])
    })

    t.test('64 concurrent appenders to 64 streams all succeed', async t => {
      const { store, stream } = await setup(t)
      const events = Array.from({ length: 64 }, (_, i) => newEvent('Parallel', { i }))
      const settled = await Promise.allSettled(events.map((e, i) => store.append(stream(`p${i}`), [e], { expectedVersion: 0 })))
      t.equal(settled.filter(s => s.status === 'fulfilled').length, 64, 'all 64 appends succeed')
      const results = settled.map(s => (s as PromiseFulfilledResult<AppendResult>).value)
      t.ok(results.every(r => r.version === 1 && !r.duplicate), 'each at version 1')
      t.equal(new Set(results.map(r => r.position)).size, 64, 'distinct positions')
      const versions = await Promise.all(events.map((_, i) => store.streamVersion(stream(`p${i}`))))
      t.ok(versions.every(v => v === 1), 'every stream holds its event')
    })

    t.test('64 concurrent appenders to one stream: optimistic concurrency', async t => {
      const { store, stream } = await setup(t)
      const s = stream('hot')
      // Round 1: everyone reads the version, then everyone appends with it: exactly one wins.
      const seen = await Promise.all(Array.from({ length: 64 }, () => store.streamVersion(s)))
      const first = Array.from({ length: 64 }, (_, i) => newEvent('Hot', { round: 1, i }))
      const settled = await Promise.allSettled(first.map((e, i) => store.append(s, [e], { expectedVersion: seen[i] })))
      const won = settled.filter(r => r.status === 'fulfilled')
      const lost = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      t.equal(won.length, 1, 'exactly one of 64 appenders with the same expected version succeeds')
      t.equal(lost.length, 63)
      t.ok(lost.every(r => r.reason instanceof VersionConflictError), 'the others get VersionConflictError')
      t.ok(lost.every(r => (r.reason as VersionConflictError).expected === 0 && (r.reason as VersionConflictError).actual >= 1), 'conflicts report expected and actual versions')
      const winner = first[settled.indexOf(won[0])]

      // Round 2: 64 appenders retry (read version, append with it) until each gets in.
      const second = Array.from({ length: 64 }, (_, i) => newEvent('Hot', { round: 2, i }))
      let conflicts = 0
      await Promise.all(second.map(async e => {
        for (let attempt = 0; attempt < 500; attempt++) {
          const v = await store.streamVersion(s)
          try {
            await store.append(s, [e], { expectedVersion: v })
            return
          } catch (error) {
            if (!(error instanceof VersionConflictError)) throw error
            conflicts++
          }
        }
        throw new Error('appender never got in')
      }))
      t.ok(conflicts > 0, `retrying appenders met conflicts (${conflicts})`)
      const read = await store.readStream(s)
      t.equal(read.length, 65, 'one event per successful append, none lost')
      t.same(read.map(e => e.version), Array.from({ length: 65 }, (_, i) => i + 1), 'versions 1..65 contiguous')
      t.same(new Set(read.map(e => e.id)), new Set([winner.id, ...second.map(e => e.id)]), 'exactly the winners, each once')
      t.ok(verifyChain(s, read).ok, 'chain intact under contention')
    })

    t.test('idempotent retry by event id', async t => {
      const { store, stream } = await setup(t)
      const s = stream('retry')
      const [a, b, c] = [newEvent('A'), newEvent('B'), newEvent('C')]
      const r1 = await store.append(s, [a, b], { expectedVersion: 0 })
      const head = await store.headPosition()
      const again = await store.append(s, [a, b], { expectedVersion: 0 })
      t.equal(again.duplicate, true, 'same ids again: duplicate')
      t.equal(again.version, 2)
      t.equal(again.position, r1.position)
      t.strictSame(again.events, r1.events, 'the stored events are returned')
      t.equal((await store.append(s, [a, b], { expectedVersion: 17 })).duplicate, true, 'expected version is not checked on a duplicate')
      t.equal((await store.append(s, [a, b], { expectedVersion: 'any' })).duplicate, true)
      t.equal(await store.headPosition(), head, 'nothing written by retries')
      await store.append(s, [c], { expectedVersion: 2 })
      const late = await store.append(s, [a, b], { expectedVersion: 3 })
      t.match(late, { duplicate: true, version: 2, position: r1.position }, 'a retry after later appends still returns the original result')
      t.match(await store.append(s, [b], { expectedVersion: 0 }), { duplicate: true, version: 2 }, 'a consecutive subset is a duplicate too')
      t.same((await store.readStream(s)).map(e => e.id), [a.id, b.id, c.id], 'each event stored once')
    })

    t.test('partial or misplaced duplicates: DuplicateEventError', async t => {
      const { store, stream } = await setup(t)
      const s = stream('dup')
      const [a, b, c] = [newEvent('A'), newEvent('B'), newEvent('C')]
      await store.append(s, [a, b, c], { expectedVersion: 0 })
      const fresh = newEvent('Fresh')
      const e1 = await rejection(store.append(s, [a, fresh], { expectedVersion: 'any' }), DuplicateEventError)
      t.equal(e1.eventId, a.id, 'names the stored event')
      t.equal(await store.streamVersion(s), 3, 'the fresh event was not written')
      await rejection(store.append(s, [fresh, c], { expectedVersion: 3 }), DuplicateEventError)
      await rejection(store.append(s, [b, a], { expectedVersion: 'any' }), DuplicateEventError).then(() => t.pass('another order'))
      await rejection(store.append(s, [a, c], { expectedVersion: 'any' }), DuplicateEventError).then(() => t.pass('not consecutive'))
      const other = stream('dup-other')
      await rejection(store.append(other, [a, b], { expectedVersion: 0 }), DuplicateEventError).then(() => t.pass('another stream'))
      t.equal(await store.streamVersion(other), 0, 'nothing written to the other stream')
      t.equal((await store.append(s, [fresh], { expectedVersion: 3 })).duplicate, false, 'the fresh event can still be appended')
      t.same((await store.readStream(s)).map(e => e.id), [a.id, b.id, c.id, fresh.id])
    })

    t.test('idempotency records', async t => {
      const { store, stream, prefix } = await setup(t)
      const s = stream('idem')
      const key = `${prefix}-key-1`
      t.equal(await store.findIdempotency(key), null, 'unknown key')
      const response = { status: 201, headers: { etag: '"1"' }, body: { id: 'plan-1', title: 'Adult drug treatment plan 2008/09', cost: '£4,400', tags: ['a', 'b'] } }
      const r = await store.append(s, [newEvent()], { expectedVersion: 0, idempotency: { key, fingerprint: 'fp-1', response } })
      t.equal(r.version, 1)
      t.strictSame(await store.findIdempotency(key), { key, fingerprint: 'fp-1', response }, 'stored with the events')
      const taken = await rejection(store.append(s, [newEvent()], { expectedVersion: 1, idempotency: { key, fingerprint: 'fp-2', response: {} } }), IdempotencyKeyTakenError)
      t.equal(taken.key, key)
      t.equal(await store.streamVersion(s), 1, 'nothing written when the key is taken')
      await rejection(store.append(stream('idem-other'), [newEvent()], { expectedVersion: 0, idempotency: { key, fingerprint: 'fp-3', response: {} } }), IdempotencyKeyTakenError)
      t.equal(await store.streamVersion(stream('idem-other')), 0, 'nor in another stream')
      t.equal((await store.findIdempotency(key))?.fingerprint, 'fp-1', 'the first record stays')

      const key2 = `${prefix}-key-2`
      await rejection(store.append(s, [newEvent()], { expectedVersion: 0, idempotency: { key: key2, fingerprint: 'fp', response: { x: 1 } } }), VersionConflictError)
      t.equal(await store.findIdempotency(key2), null, 'a failed append stores no record (atomic)')
      const ok2 = await store.append(s, [newEvent(), newEvent()], { expectedVersion: 1, idempotency: { key: key2, fingerprint: 'fp', response: null } })
      t.equal(ok2.version, 3)
      t.strictSame(await store.findIdempotency(key2), { key: key2, fingerprint: 'fp', response: null }, 'the key is free after a failed append')
    })

    t.test('readAll pages by position', async t => {
      const { store, stream } = await setup(t)
      const before = await store.headPosition()
      const appended: string[] = []
      const version: Record<string, number> = {}
      for (let i = 0; i < 10; i++) {
        const s = stream(`page${i % 3}`)
        const events = Array.from({ length: 1 + (i % 4) }, (_, j) => newEvent('Paged', { i, j }))
        const r = await store.append(s, events, { expectedVersion: version[s] ?? 0 })
        version[s] = r.version
        appended.push(...events.map(e => e.id))
      }
      t.equal(appended.length, 23)
      const pages: StoredEvent[][] = []
      let after = before
      for (let guard = 0; guard < 1000; guard++) {
        const page = await store.readAll({ after, limit: 5 })
        if (page.length === 0) break
        pages.push(page)
        after = page[page.length - 1].position
      }
      t.ok(pages.every(p => p.length <= 5), 'no page is larger than the limit')
      t.ok(pages.some(p => p.length === 5), 'full pages are returned')
      const flat = pages.flat()
      t.ok(flat.every((e, i) => e.position > before && (i === 0 || e.position > flat[i - 1].position)), 'strictly increasing positions across pages')
      const ours = flat.filter(e => e.streamId.startsWith(stream('')))
      t.same(ours.map(e => e.id), appended, 'every event exactly once, in append order, across pages')
      const one = await store.readAll({ after: before, limit: 1 })
      t.equal(one.length, 1, 'limit 1')
      t.same((await store.readAll({ after: await store.headPosition(), limit: 10 })).filter(e => e.streamId.startsWith(stream(''))), [], 'nothing after the head')
    })

    t.test('subscriptions: catch up, then live', async t => {
      const { store, stream } = await setup(t)
      const before = await store.headPosition()
      const s = stream('sub')
      const expected: string[] = []
      for (let i = 0; i < 6; i++) {
        const events = Array.from({ length: 5 }, (_, j) => newEvent('Sub', { i, j }))
        await store.append(s, events, { expectedVersion: i * 5 })
        expected.push(...events.map(e => e.id))
      }
      const mine = (e: StoredEvent) => e.streamId.startsWith(stream(''))
      const delivered: StoredEvent[] = []
      let caughtUp = 0
      let deliveredAtCaughtUp = -1
      let active = 0
      let overlapped = false
      let duringCatchUp: Promise<AppendResult> | undefined
      const duringId = newEvent('DuringCatchUp')
      const errors: unknown[] = []
      const sub = store.subscribe({
        after: before,
        async onEvent(e) {
          if (active++ > 0) overlapped = true
          await sleep(0)
          if (mine(e)) delivered.push(e)
          if (delivered.length === 3 && !duringCatchUp) {
            // Appended while the subscription is still catching up: must arrive, once, in order.
            duringCatchUp = store.append(stream('sub-during'), [duringId], { expectedVersion: 0 })
            await duringCatchUp
          }
          active--
        },
        onCaughtUp() {
          caughtUp++
          deliveredAtCaughtUp = delivered.length
        },
        onError(error) {
          errors.push(error)
        },
      })
      await until(() => caughtUp > 0, 'onCaughtUp')
      t.ok(deliveredAtCaughtUp >= 30, `onCaughtUp after everything stored at subscribe time (${deliveredAtCaughtUp} delivered)`)
      expected.splice(3, 0, duringId.id)
      // Live: appends from several writers at once.
      const live = Array.from({ length: 10 }, (_, i) => newEvent('Live', { i }))
      await Promise.all([
        store.append(stream('live-a'), live.slice(0, 4), { expectedVersion: 0 }),
        store.append(stream('live-b'), live.slice(4, 7), { expectedVersion: 0 }),
      ])
      await store.append(stream('live-c'), live.slice(7), { expectedVersion: 0 })
      await until(() => delivered.length >= 41, 'live delivery')
      await sleep(20)
      t.equal(delivered.length, 41, 'no event delivered twice')
      t.same(new Set(delivered.map(e => e.id)), new Set([...expected, ...live.map(e => e.id)]), 'every event delivered')
      t.same(delivered.slice(0, 30).filter(e => e.streamId === s).map(e => e.id), expected.filter(id => id !== duringId.id), 'catch-up in order')
      t.ok(delivered.every((e, i) => i === 0 || e.position > delivered[i - 1].position), 'strictly in position order')
      t.equal(caughtUp, 1, 'onCaughtUp called once')
      t.notOk(overlapped, 'handler calls never overlap')
      t.same(errors, [], 'no errors')
      await sub.close()
      await store.append(stream('after-close'), [newEvent('AfterClose')], { expectedVersion: 0 })
      await sleep(30)
      t.equal(delivered.length, 41, 'nothing delivered after close')
      await sub.close()
      t.pass('close is idempotent')
    })

    t.test('subscriptions: from the head, and a failing handler', async t => {
      const { store, stream } = await setup(t)
      await store.append(stream('old'), [newEvent('Old')], { expectedVersion: 0 })
      const got: string[] = []
      let caughtUp = false
      const live = store.subscribe({
        after: await store.headPosition(),
        onEvent: e => {
          if (e.streamId.startsWith(stream(''))) got.push(e.type)
        },
        onCaughtUp: () => (caughtUp = true),
      })
      await until(() => caughtUp, 'onCaughtUp at the head')
      await store.append(stream('new'), [newEvent('New')], { expectedVersion: 0 })
      await until(() => got.length === 1, 'live event')
      t.same(got, ['New'], 'only events after `after`')
      await live.close()

      const boom = new Error('handler failed')
      const errors: unknown[] = []
      let calls = 0
      const failing = store.subscribe({
        after: 0,
        onEvent: () => {
          calls++
          throw boom
        },
        onError: e => errors.push(e),
      })
      await until(() => errors.length > 0, 'onError')
      await store.append(stream('newer'), [newEvent('Newer')], { expectedVersion: 0 })
      await sleep(20)
      t.equal(calls, 1, 'a throwing handler stops the subscription')
      t.same(errors, [boom], 'the error reaches onError')
      await failing.close()
    })

    t.test('hash chain is stored and verifies', async t => {
      const { store, stream } = await setup(t)
      const s = stream('chain')
      const results = [
        await store.append(s, [newEvent('A', { n: 1 })], { expectedVersion: 0 }),
        await store.append(s, [newEvent('B', { n: 2 }), newEvent('C', { n: 3 })], { expectedVersion: 1 }),
        await store.append(s, [newEvent('D', { n: 4, nested: { z: 1, a: [3, 2, 1] } }), newEvent('E', { n: 5 })], { expectedVersion: 3 }),
      ]
      const read = await store.readStream(s)
      const verdict = verifyChain(s, read)
      t.ok(verdict.ok, 'verifyChain ok')
      t.equal(verdict.events, 5)
      t.equal(verdict.head, read[4].hash, 'head is the last hash')
      t.equal(read[0].prevHash, GENESIS_HASH, 'first event links to genesis')
      t.ok(read.every((e, i) => i === 0 || e.prevHash === read[i - 1].hash), 'each links to the previous')
      t.ok(read.every(e => /^[0-9a-f]{64}$/.test(e.hash)), 'sha256 hex')
      t.ok(read.every(e => e.hash === eventHash(e.prevHash, s, e.version, e)), 'hash = eventHash(prevHash, streamId, version, event)')
      t.same(results.flatMap(r => r.events.map(e => e.hash)), read.map(e => e.hash), 'append results carry the stored hashes')
      const other = stream('chain-2')
      await store.append(other, [newEvent('X')], { expectedVersion: 0 })
      t.equal((await store.readStream(other))[0].prevHash, GENESIS_HASH, 'each stream has its own chain')
      t.ok(verifyChain(s, await store.readStream(s)).ok, 'other streams do not disturb it')
    })

    t.test('data, metadata and recordedAt round-trip exactly', async t => {
      const { store, stream } = await setup(t)
      const s = stream('roundtrip')
      const event: NewEvent = {
        id: randomUUID(),
        type: 'ActionAdded',
        schemaVersion: 3,
        data: {
          text: 'Train staff in naloxone — £4,400 (naïve café ☕ 😀)',
          cost: { text: '£4,400', pence: 440000 },
          owners: ['CNWL', 'DM'],
          due: { text: 'Qtr 2', from: '2008-07-01', to: '2008-09-30' },
          nested: { a: [1, 2.5, -3, { b: null, c: true, d: false }], empty: {}, emptyList: [] },
          numbers: { max: Number.MAX_SAFE_INTEGER, tiny: -1.25e-7, zero: 0 },
          escapes: 'line\nbreak\t"quoted" \\ \u0000 \u2028',
        },
        metadata: { actor: { tokenId: 'tok-1', role: 'commissioner', label: 'Ealing DAAT £' }, correlationId: randomUUID(), source: { file: 'ealing-2006-07.txt', line: 12 } },
        recordedAt: '2008-07-20T09:00:00.123Z',
      }
      const r = await store.append(s, [event], { expectedVersion: 0 })
      const [read] = await store.readStream(s)
      for (const [label, e] of [['append result', r.events[0]], ['readStream', read], ['readAll', (await store.readAll({ after: r.position - 1, limit: 1 }))[0]]] as const) {
        t.strictSame(
          { id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt },
          event,
          `${label}: exact round trip`,
        )
      }
      t.equal(read.position, r.position)
      t.ok(verifyChain(s, [read]).ok)
    })

    t.test('reopening finds everything', async t => {
      const { store, stream, stores, reopen, prefix } = await setup(t)
      if (!reopen) {
        t.pass('adapter does not persist across reopen: skipped')
        return
      }
      const s = stream('persist')
      const key = `${prefix}-persist-key`
      await store.append(s, [newEvent('A', { '£': '£' }), newEvent('B')], { expectedVersion: 0 })
      await store.append(s, [newEvent('C')], { expectedVersion: 2, idempotency: { key, fingerprint: 'fp', response: { ok: true, n: [1, 2] } } })
      await store.append(stream('persist-2'), [newEvent('D')], { expectedVersion: 0 })
      const readBefore = await store.readStream(s)
      const headBefore = await store.headPosition()
      const allBefore = (await readAllAfter(store, 0, 500)).filter(e => e.streamId.startsWith(stream('')))
      await store.close()
      const again = await reopen()
      stores.push(again)
      t.strictSame(await again.readStream(s), readBefore, 'stream read back identically')
      t.equal(await again.streamVersion(s), 3)
      t.equal(await again.headPosition(), headBefore, 'same head position')
      t.strictSame((await readAllAfter(again, 0, 500)).filter(e => e.streamId.startsWith(stream(''))), allBefore, 'readAll identical')
      t.strictSame(await again.findIdempotency(key), { key, fingerprint: 'fp', response: { ok: true, n: [1, 2] } }, 'idempotency record kept')
      const next = await again.append(s, [newEvent('E')], { expectedVersion: 3 })
      t.equal(next.events[0].prevHash, readBefore[2].hash, 'the chain continues from the stored head')
      t.ok(next.position > headBefore, 'positions continue')
      t.ok(verifyChain(s, await again.readStream(s)).ok)
      t.equal((await again.append(s, readBefore.slice(0, 2).map(({ id, type, schemaVersion, data, metadata, recordedAt }) => ({ id, type, schemaVersion, data, metadata, recordedAt })), { expectedVersion: 0 })).duplicate, true, 'retries are recognised after reopen')
    })

    t.test('ping and close', async t => {
      const { store, stream } = await setup(t)
      await store.ping()
      t.pass('ping answers')
      const pending = store.append(stream('closing'), [newEvent()], { expectedVersion: 0 })
      await store.close()
      t.equal((await pending).version, 1, 'an append made before close completes')
      await rejection(store.append(stream('closed'), [newEvent()], { expectedVersion: 0 }), StoreUnavailableError).then(() => t.pass('append after close: StoreUnavailableError'))
      await store.close()
      t.pass('close is idempotent')
    })
  })
}
