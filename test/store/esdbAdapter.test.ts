// The EventStoreDB adapter on the in-process STAND-IN (test/support/esdbStandIn.ts, not
// EventStoreDB): the EventStoreDB-specific parts (layout in EventStoreDB, system events in $all,
// idempotency pointers, deadlines). The shared contract runs in esdb.test.ts.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { EventStoreDBClient, FORWARDS, START, jsonEvent, NO_STREAM } from '@eventstore/db-client'
import { DuplicateEventError, IdempotencyKeyTakenError, StoreUnavailableError, VersionConflictError, type NewEvent, type StoredEvent } from '../../src/store/eventStore.js'
import { openEsdbEventStore } from '../../src/store/esdbEventStore.js'
import { verifyChain } from '../../src/store/hashChain.js'
import { APPEND_MODES, startEsdbStandIn } from '../support/esdbStandIn.js'

let clockMs = Date.parse('2009-04-01T09:00:00.000Z')
const ev = (type = 'Tested', data: Record<string, unknown> = {}, id: string = randomUUID()): NewEvent => ({
  id,
  type,
  schemaVersion: 2,
  data,
  metadata: { actor: { tokenId: 'tok-1', role: 'admin', label: 'stand-in test' } },
  recordedAt: new Date(clockMs++).toISOString(),
})

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

for (const mode of APPEND_MODES) t.test(`EventStoreDB adapter on the stand-in, ${mode.name}`, async t => {
  const standIn = await startEsdbStandIn({ batchAppend: mode.batchAppend })
  t.teardown(() => standIn.stop())
  const raw = EventStoreDBClient.connectionString(standIn.url)
  t.teardown(() => raw.dispose())
  const prefix = `glt${randomUUID().slice(0, 6)}-`
  const store = await openEsdbEventStore(standIn.url, { streamPrefix: prefix, timeoutMs: 2_000 })
  t.teardown(() => store.close())

  t.test('append, read, versions, conflicts', async t => {
    const [a, b, c] = [ev('A', { n: 1 }), ev('B', { n: 2 }), ev('C', { n: 3 })]
    const r1 = await store.append('plan-1', [a, b], { expectedVersion: 0 })
    t.match(r1, { streamId: 'plan-1', version: 2, duplicate: false })
    t.ok(r1.events[0].position < r1.events[1].position && r1.position === r1.events[1].position)
    const conflict = await store.append('plan-1', [c], { expectedVersion: 1 }).catch(e => e)
    t.type(conflict, VersionConflictError)
    t.match(conflict, { streamId: 'plan-1', expected: 1, actual: 2 })
    await store.append('plan-1', [c], { expectedVersion: 'any' })
    const read = await store.readStream('plan-1')
    t.same(read.map(e => [e.id, e.version, e.type, e.schemaVersion]), [[a.id, 1, 'A', 2], [b.id, 2, 'B', 2], [c.id, 3, 'C', 2]])
    t.ok(verifyChain('plan-1', read).ok, 'hash chain verifies')
    t.equal(await store.streamVersion('plan-1'), 3)
    t.equal(await store.streamVersion('plan-none'), 0)
    t.same(await store.readStream('plan-none'), [])
    t.same((await store.readStream('plan-1', { fromVersion: 2, limit: 1 })).map(e => e.version), [2])
    const used = mode.batchAppend ? 'batch' : 'unary'
    t.ok(standIn.appends[used] > 0 && standIn.appends[used === 'batch' ? 'unary' : 'batch'] === 0, `the client appended through ${used === 'batch' ? 'BatchAppend' : 'the unary Append'} only`)
  })

  t.test('layout in EventStoreDB: prefixed stream, our ids, revision = version - 1, metadata', async t => {
    const e = ev('Laid', { x: 'y' })
    await store.append('plan-layout', [e], { expectedVersion: 0 })
    const [stored] = await collect(raw.readStream(`${prefix}plan-layout`, { direction: FORWARDS, fromRevision: START }))
    t.equal(stored.event?.id, e.id, 'event id passed through')
    t.equal(stored.event?.revision, 0n, 'revision 0 is version 1')
    t.equal(stored.event?.type, 'Laid')
    t.same(stored.event?.data, { x: 'y' })
    const meta = stored.event?.metadata as Record<string, unknown>
    t.same(meta.actor, e.metadata.actor, 'the actor is in the EventStoreDB metadata')
    t.match(meta.gridledger, { v: 1, schemaVersion: 2, recordedAt: e.recordedAt, hash: /^[0-9a-f]{64}$/, prevHash: '0'.repeat(64) })
    await t.rejects(store.append('plan-layout', [{ ...ev(), metadata: { gridledger: 1 } }], { expectedVersion: 1 }), TypeError, 'the reserved metadata key is refused')
    await t.rejects(store.append('$plan', [ev()], { expectedVersion: 0 }), TypeError, '$-streams are refused')
  })

  t.test('ids that are not UUIDs are mapped and round-trip', async t => {
    const e = ev('Named', {}, 'event-1-not-a-uuid')
    const r = await store.append('plan-ids', [e], { expectedVersion: 0 })
    t.equal(r.events[0].id, 'event-1-not-a-uuid')
    t.equal((await store.readStream('plan-ids'))[0].id, 'event-1-not-a-uuid')
    t.equal((await store.append('plan-ids', [e], { expectedVersion: 0 })).duplicate, true, 'and are recognised on retry')
  })

  t.test('system events and foreign streams in $all are skipped', async t => {
    const before = await store.headPosition()
    standIn.writeSystemEvent()
    await raw.appendToStream('someone-else', [jsonEvent({ type: 'Foreign', data: {} })])
    const mine = await store.append('plan-sys', [ev('Mine')], { expectedVersion: 0 })
    standIn.writeSystemEvent()
    await raw.appendToStream(`${prefix}`.slice(0, -1) + 'x-not-ours', [jsonEvent({ type: 'Foreign', data: {} })])
    const page = await store.readAll({ after: before, limit: 10 })
    t.same(page.map(e => e.id), [mine.events[0].id], 'only our event')
    t.equal(await store.headPosition(), mine.position, 'head skips later system and foreign events')
    const all = await collect(raw.readAll({ fromPosition: START }))
    t.ok(all.some(r => r.event?.streamId.startsWith('$stats-')), 'the stand-in holds system events')
  })

  t.test('readAll pages fill past system events and accept any position', async t => {
    const before = await store.headPosition()
    const ids: string[] = []
    for (let i = 0; i < 7; i++) {
      const r = await store.append(`plan-page-${i % 2}`, [ev('P', { i })], { expectedVersion: 'any' })
      ids.push(r.events[0].id)
      standIn.writeSystemEvent()
    }
    const page = await store.readAll({ after: before, limit: 5 })
    t.same(page.map(e => e.id), ids.slice(0, 5), 'a full page of ours')
    const rest = await store.readAll({ after: page[4].position, limit: 5 })
    t.same(rest.map(e => e.id), ids.slice(5))
    const fromInside = await store.readAll({ after: page[1].position - 1, limit: 1 })
    t.same(fromInside.map(e => e.id), [ids[1]], 'a position inside a log record reads from the next event')
    t.same(await store.readAll({ after: Number.MAX_SAFE_INTEGER, limit: 5 }), [], 'past the end')
  })

  t.test('idempotent retry and duplicates', async t => {
    const [a, b] = [ev(), ev()]
    const r1 = await store.append('plan-dup', [a, b], { expectedVersion: 0 })
    const again = await store.append('plan-dup', [a, b], { expectedVersion: 0 })
    t.match(again, { duplicate: true, version: 2, position: r1.position })
    t.strictSame(again.events, r1.events)
    await t.rejects(store.append('plan-dup-2', [b], { expectedVersion: 0 }), DuplicateEventError, 'another stream')
    await t.rejects(store.append('plan-dup', [b, a], { expectedVersion: 'any' }), DuplicateEventError, 'another order')
    t.equal(await store.streamVersion('plan-dup'), 2)
  })

  t.test('a second store instance recognises a retry of what the first wrote (no index of $all)', async t => {
    const other = await openEsdbEventStore(standIn.url, { streamPrefix: prefix, timeoutMs: 2_000 })
    t.teardown(() => other.close())
    const [a, b] = [ev(), ev()]
    const first = await store.append('plan-x1', [a, b], { expectedVersion: 0 })
    t.match(await other.append('plan-x1', [a, b], { expectedVersion: 'any' }), { duplicate: true, version: 2, position: first.position }, "a retry through the other instance: the stream's ids are read before its first append")
    t.match(await other.append('plan-x1', [a, b], { expectedVersion: 0 }), { duplicate: true }, 'at the original expected version too')
    await t.rejects(other.append('plan-x1', [b, a], { expectedVersion: 'any' }), DuplicateEventError, 'another order')
    t.equal(await store.streamVersion('plan-x1'), 2, 'nothing written twice')
  })

  t.test('idempotency records: stored with the first event, pointer stream, key taken', async t => {
    const key = `key-${randomUUID()}`
    t.equal(await store.findIdempotency(key), null)
    const response = { status: 201, body: { ok: true } }
    const r = await store.append('plan-idem', [ev(), ev()], { expectedVersion: 0, idempotency: { key, fingerprint: 'fp', response } })
    t.strictSame(await store.findIdempotency(key), { key, fingerprint: 'fp', response })
    const [first] = await collect(raw.readStream(`${prefix}plan-idem`, { fromRevision: START, maxCount: 1 }))
    t.same((first.event?.metadata as { gridledger: { idempotency: unknown } }).gridledger.idempotency, { key, fingerprint: 'fp', response }, 'the record is in the first event')
    await t.rejects(store.append('plan-idem', [ev()], { expectedVersion: 2, idempotency: { key, fingerprint: 'fp2', response: 1 } }), IdempotencyKeyTakenError)
    t.equal(await store.streamVersion('plan-idem'), 2)
    const all = await store.readAll({ after: r.events[0].position - 1, limit: 10 })
    t.ok(all.every(e => e.streamId === 'plan-idem'), 'pointer events are not port events')
    // Crash window: the events are written but the pointer is not (written here with the raw client).
    const key2 = `key-${randomUUID()}`
    const lost = ev('Lost')
    await raw.appendToStream(`${prefix}plan-crash`, [
      jsonEvent({ id: lost.id, type: 'Lost', data: {}, metadata: { ...lost.metadata, gridledger: { v: 1, schemaVersion: 2, recordedAt: lost.recordedAt, hash: 'h', prevHash: '0'.repeat(64), idempotency: { key: key2, fingerprint: 'fpc', response: { replay: 1 } } } } }),
    ], { expectedRevision: NO_STREAM })
    t.equal(await store.findIdempotency(key2), null, 'the key is unanswered after the crash')
    const retry = await store.append('plan-crash', [lost], { expectedVersion: 0, idempotency: { key: key2, fingerprint: 'fpc', response: { replay: 2 } } })
    t.equal(retry.duplicate, true, 'the retried append (same ids) is a duplicate')
    t.strictSame(await store.findIdempotency(key2), { key: key2, fingerprint: 'fpc', response: { replay: 1 } }, 'and the pointer is repaired from the stored record')
    // The same crash, then the request is run again and decides new events (new ids): the key is
    // found in the stream's recent appends, so the append is refused and the pointer repaired.
    const key3 = `key-${randomUUID()}`
    const crashed = ev('Crashed')
    await raw.appendToStream(`${prefix}plan-crash-3`, [
      jsonEvent({ id: crashed.id, type: 'Crashed', data: {}, metadata: { ...crashed.metadata, gridledger: { v: 1, schemaVersion: 2, recordedAt: new Date().toISOString(), hash: 'h', prevHash: '0'.repeat(64), idempotency: { key: key3, fingerprint: 'fp3', response: { first: true } } } } }),
    ], { expectedRevision: NO_STREAM })
    await t.rejects(store.append('plan-crash-3', [ev('Again')], { expectedVersion: 1, idempotency: { key: key3, fingerprint: 'fp3', response: { first: false } } }), IdempotencyKeyTakenError, 're-run with new ids: the key is taken')
    t.equal(await store.streamVersion('plan-crash-3'), 1, 'nothing recorded twice')
    t.strictSame(await store.findIdempotency(key3), { key: key3, fingerprint: 'fp3', response: { first: true } }, 'the stored answer is found again')
  })

  t.test('another writer between read and append: conflict or retry', async t => {
    const other = await openEsdbEventStore(standIn.url, { streamPrefix: prefix, timeoutMs: 2_000 })
    t.teardown(() => other.close())
    await store.append('plan-race', [ev()], { expectedVersion: 0 })
    const results = await Promise.allSettled([
      store.append('plan-race', [ev()], { expectedVersion: 1 }),
      other.append('plan-race', [ev()], { expectedVersion: 1 }),
    ])
    t.equal(results.filter(r => r.status === 'fulfilled').length, 1, 'one of two processes wins')
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    t.type(lost?.reason, VersionConflictError)
    await Promise.all([store.append('plan-race', [ev()], { expectedVersion: 'any' }), other.append('plan-race', [ev()], { expectedVersion: 'any' })])
    const read = await store.readStream('plan-race')
    t.equal(read.length, 4)
    t.ok(verifyChain('plan-race', read).ok, "'any' from two processes keeps the chain")
  })

  t.test('subscription: catch-up, caught up, live, close', async t => {
    const before = await store.headPosition()
    const first = await store.append('plan-sub', [ev('S1'), ev('S2')], { expectedVersion: 0 })
    const got: StoredEvent[] = []
    let caughtUpAt = -1
    const sub = store.subscribe({
      after: before,
      onEvent: async e => {
        await sleep(1)
        got.push(e)
      },
      onCaughtUp: () => (caughtUpAt = got.length),
    })
    await until(() => caughtUpAt >= 0, 'caught up')
    t.equal(caughtUpAt, 2, 'caught up after the stored events were handled')
    standIn.writeSystemEvent()
    const live = await store.append('plan-sub', [ev('S3')], { expectedVersion: 2 })
    await until(() => got.length === 3, 'live event')
    t.same(got.map(e => e.id), [...first.events, ...live.events].map(e => e.id))
    await sub.close()
    await store.append('plan-sub', [ev('S4')], { expectedVersion: 3 })
    await sleep(30)
    t.equal(got.length, 3, 'nothing after close')
  })

  t.test('subscription from a position that is not an event position', async t => {
    const r = await store.append('plan-subpos', [ev('P1'), ev('P2')], { expectedVersion: 0 })
    const got: string[] = []
    const errors: unknown[] = []
    const sub = store.subscribe({ after: r.events[1].position - 1, onEvent: e => void got.push(e.id), onError: e => errors.push(e) })
    t.teardown(() => sub.close())
    await until(() => got.length >= 1, 'delivery')
    const live = await store.append('plan-subpos', [ev('P3')], { expectedVersion: 2 })
    await until(() => got.length >= 2, 'live delivery')
    await sleep(20)
    t.same(got, [r.events[1].id, live.events[0].id], 'from the next event on')
    t.same(errors, [])
  })

  t.test('kurrentdb:// names the same server', async t => {
    const k = await openEsdbEventStore(standIn.url.replace('esdb://', 'kurrentdb://'), { streamPrefix: prefix })
    t.teardown(() => k.close())
    t.equal(await k.streamVersion('plan-1'), 3)
  })

  t.test('a leader change: StoreUnavailableError, then the client follows the leader', async t => {
    await store.append('plan-leader', [ev()], { expectedVersion: 0 })
    standIn.notLeader(true)
    t.teardown(() => standIn.notLeader(false))
    const refused = ev()
    await t.rejects(store.append('plan-leader', [refused], { expectedVersion: 1 }), StoreUnavailableError, 'append on a follower')
    await t.rejects(store.readStream('plan-leader'), StoreUnavailableError, 'read on a follower')
    standIn.notLeader(false)
    t.equal((await store.append('plan-leader', [ev()], { expectedVersion: 1 })).version, 2, 'appends again on the leader')
    t.notOk((await store.readStream('plan-leader')).some(e => e.id === refused.id), 'the refused append was not written')
  })

  t.test('an unresponsive server: calls fail by their deadline, never hang', async t => {
    const quick = await openEsdbEventStore(standIn.url, { streamPrefix: prefix, timeoutMs: 300 })
    t.teardown(() => quick.close())
    await quick.append('plan-hang', [ev()], { expectedVersion: 0 })
    standIn.hang(true)
    t.teardown(() => standIn.hang(false))
    const started = Date.now()
    await t.rejects(quick.append('plan-hang', [ev()], { expectedVersion: 1 }), StoreUnavailableError, 'append')
    await t.rejects(quick.readStream('plan-hang'), StoreUnavailableError, 'read')
    await t.rejects(quick.ping(), StoreUnavailableError, 'ping')
    t.ok(Date.now() - started < 3_000, `within the deadlines (${Date.now() - started} ms)`)
    standIn.hang(false)
    t.equal(await quick.streamVersion('plan-hang'), 1, 'answers again once the server does; nothing was acknowledged')
  })
})

t.test('the stand-in speaks BatchAppend as the client expects', async t => {
  const standIn = await startEsdbStandIn({ maxAppendSize: 64 * 1024 })
  t.teardown(() => standIn.stop())
  const raw = EventStoreDBClient.connectionString(standIn.url)
  t.teardown(() => raw.dispose())
  const events = Array.from({ length: 20 }, (_, i) => jsonEvent({ type: 'Split', data: { i, pad: 'x'.repeat(500) } }))
  // A small batch size makes the client split one append into several requests, the last final.
  const r = await raw.appendToStream('split', events, { expectedRevision: NO_STREAM, batchAppendSize: 2_000 })
  t.equal(r.nextExpectedRevision, 19n, 'one append of 20 events across several requests')
  t.equal(standIn.appends.batch, 1, 'answered once, through BatchAppend')
  t.equal((await collect(raw.readStream('split', { fromRevision: START }))).length, 20)
  const wrong = await raw.appendToStream('split', [jsonEvent({ type: 'Late', data: {} })], { expectedRevision: 3n }).catch(e => e)
  t.match(wrong, { type: 'wrong-expected-version', actualVersion: 19n, expectedVersion: 3n }, 'WrongExpectedVersion packed in the status details')
  const again = await raw.appendToStream('split', events, { expectedRevision: NO_STREAM })
  t.equal(again.nextExpectedRevision, 19n, 'the same ids again: EventStoreDB idempotency')
  const big = await raw.appendToStream('big', [jsonEvent({ type: 'Big', data: { pad: 'x'.repeat(70 * 1024) } })]).catch(e => e)
  t.match(big, { type: 'maximum-append-size-exceeded', maxAppendSize: 64 * 1024 }, 'MaximumAppendSizeExceeded packed in the status details')
  t.equal((await collect(raw.readStream('big', { fromRevision: START }))).length, 0, 'nothing written')
  t.equal((await raw.appendToStream('split', [jsonEvent({ type: 'Next', data: {} })], { expectedRevision: 19n })).nextExpectedRevision, 20n, 'the call stays open after failures')

  const old = await startEsdbStandIn({ batchAppend: false, maxAppendSize: 64 * 1024 })
  t.teardown(() => old.stop())
  const oldClient = EventStoreDBClient.connectionString(old.url)
  t.teardown(() => oldClient.dispose())
  const bigOld = await oldClient.appendToStream('big', [jsonEvent({ type: 'Big', data: { pad: 'x'.repeat(70 * 1024) } })]).catch(e => e)
  t.match(bigOld, { type: 'maximum-append-size-exceeded', maxAppendSize: 64 * 1024 }, 'the unary Append refuses it in its trailers')
  t.equal(old.appends.batch, 0, 'an older server is never sent BatchAppend')
})

t.test('opening against no server fails with StoreUnavailableError', async t => {
  const standIn = await startEsdbStandIn()
  await standIn.stop()
  await t.rejects(openEsdbEventStore(standIn.url, { timeoutMs: 1_000 }), StoreUnavailableError)
})

async function collect<E>(stream: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = []
  try {
    for await (const e of stream) out.push(e)
  } catch (error) {
    if ((error as { type?: string }).type !== 'stream-not-found') throw error
  }
  return out
}

