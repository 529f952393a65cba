// Idempotency-Key through the API: a repeat replays the first answer, another body is a 422,
// concurrent repeats share one answer, and a repeat that arrives while an earlier use of the key
// is being refused by the store is answered (it once spun the event loop for ever: issue 12).
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { IdempotencyKeyTakenError, type EventStore } from '../../src/store/eventStore.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { seedPlan, startHarness } from '../support/harness.js'

/**
 * The memory store with idempotency lookups that take a network round trip, as EventStoreDB's
 * do, and a hook called when an append is refused because its key is already stored.
 */
function networkLikeLookups(store: EventStore, hooks: { onKeyTaken?(): void }): EventStore {
  return {
    ...store,
    async findIdempotency(key) {
      await sleep(30)
      return store.findIdempotency(key)
    },
    async append(streamId, events, options) {
      try {
        return await store.append(streamId, events, options)
      } catch (error) {
        if (error instanceof IdempotencyKeyTakenError) hooks.onKeyTaken?.()
        throw error
      }
    },
  }
}

t.test('a third use of a key arriving while the second is refused is answered, not spun on', async t => {
  const hooks: { onKeyTaken?(): void } = {}
  const h = await startHarness({ eventStore: networkLikeLookups(createMemoryEventStore(), hooks) })
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const url = `/v1/plans/${f.planId}/actions/${f.actionId}/progress`
  const send = (note: string) => h.request({ method: 'POST', url, payload: { effectiveDate: '2008-06-30', note }, headers: { 'idempotency-key': 'race-1' } })
  let third: ReturnType<typeof send> | null = null
  // The moment the store refuses a second use of the key, the third request arrives.
  hooks.onKeyTaken = () => {
    third ??= send('another body')
  }
  const [first, second] = await Promise.all([send('once'), send('once')])
  third ??= send('another body')
  const last = await third
  t.equal(first.statusCode, 201)
  t.equal(second.statusCode, 201)
  t.same(second.json(), first.json(), 'the repeat replays the first answer')
  t.equal(last.statusCode, 422, 'another body with the key: 422')
  const health = await h.request({ method: 'GET', url: '/health', token: null })
  t.equal(health.statusCode, 200, 'and the server still answers')
})
