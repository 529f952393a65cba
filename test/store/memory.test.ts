import t from 'tap'
import { DuplicateEventError, IdempotencyKeyTakenError } from '../../src/store/eventStore.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { newEvent, storeContract } from './contract.js'

storeContract(t, 'memory', async () => ({ store: createMemoryEventStore() }))

t.test('memory: local semantics shared with SQLite', async t => {
  const store = createMemoryEventStore()
  t.teardown(() => store.close())
  const a = newEvent()
  await t.rejects(store.append('s', [a, a], { expectedVersion: 0 }), DuplicateEventError, 'the same id twice in one append')
  t.equal(await store.streamVersion('s'), 0)
  const idempotency = { key: 'k', fingerprint: 'f', response: { ok: 1 } }
  await store.append('s', [a], { expectedVersion: 0, idempotency })
  await t.rejects(store.append('s', [a], { expectedVersion: 0, idempotency }), IdempotencyKeyTakenError, 'a taken key wins over an event-id duplicate (the HTTP layer replays the stored answer)')
  const empty = await store.append('s', [], { expectedVersion: 1 })
  t.match(empty, { version: 1, events: [], duplicate: false }, 'an empty append only checks the version')
  await t.rejects(store.append('s', [{ ...newEvent(), recordedAt: 'yesterday' }], { expectedVersion: 1 }), TypeError, 'malformed events are refused')
  const data = { when: new Date('2008-07-20T09:00:00Z'), gone: undefined, list: [undefined] } as unknown as Record<string, unknown>
  const r = await store.append('s', [{ ...newEvent(), data }], { expectedVersion: 1 })
  t.strictSame(r.events[0].data, { when: '2008-07-20T09:00:00.000Z', list: [null] }, 'data is stored as its JSON form')
  const [read] = await store.readStream('s', { fromVersion: 2 })
  read.data.when = 'mutated'
  t.equal((await store.readStream('s', { fromVersion: 2 }))[0].data.when, '2008-07-20T09:00:00.000Z', 'readers cannot mutate stored events')
})
