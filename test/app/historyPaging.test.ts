// History pages read only the page: through the stream's index on position, however long the
// history before it. Counted on the store (events handed to the reader), not timed; the pages
// themselves equal the pages of the whole history.
import t from 'tap'
import { memoryBackend } from '../../src/app/backends.js'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { historyPage } from '../../src/projections/folds/history.js'
import { appendScript, countingStore } from '../projections/support/stores.js'
import { commissioner, PlanScript } from '../projections/support/planScript.js'
import { fromStored } from '../../src/projections/recordedEvent.js'


t.test('a page at the end of a long history reads the page, not the history', async t => {
  const { store, read } = countingStore()
  const script = new PlanScript('p-long', '2008-04-02T09:00:00.000Z').create()
  const grid = script.grid(1, 'Treatment')
  const objective = script.objective(grid, 'More in treatment', '1')
  const actions = [script.action(objective, { text: 'Open a clinic', owners: ['CNWL'] }), script.action(objective, { text: 'Train staff', owners: ['DM'] })]
  for (let i = 0; i < 4000; i++) {
    script.at(new Date(Date.parse('2008-04-03T09:00:00.000Z') + i * 60_000).toISOString())
    // Every tenth report is on the second action.
    script.run({ type: 'ReportProgress', actionId: actions[i % 10 === 9 ? 1 : 0], effectiveDate: '2008-04-03', note: `Update ${i}` })
  }
  await appendScript(store, script)
  const ledger = await assembleGridLedger(memoryBackend(store))
  t.teardown(() => ledger.close())
  const whole = (await store.readStream(script.streamId)).map(fromStored)
  const total = whole.length

  for (const after of [0, 2000, total - 100, total - 50]) {
    const before = read()
    const page = await ledger.plans.history('p-long', commissioner, { after, limit: 100 })
    t.ok(read() - before <= 101, `after ${after}: read ${read() - before} events for a page of 100`)
    t.same(page, historyPage(whole, { after, limit: 100 }), `after ${after}: the page of the whole history`)
  }
  const last = await ledger.plans.history('p-long', commissioner, { after: total - 100, limit: 100 })
  t.equal(last.items.length, 100)
  t.equal(last.next, undefined, 'the end: no next page')

  // Filtered by action: read on from `after` until the page is full, not from the start.
  const before = read()
  const filtered = await ledger.plans.history('p-long', commissioner, { actionId: actions[1], after: 3000, limit: 20 })
  t.same(filtered, historyPage(whole, { actionId: actions[1], after: 3000, limit: 20 }))
  t.ok(read() - before <= 1000, `filtered: read ${read() - before} events`)
  t.equal(filtered.items.length, 20)

  await t.rejects(ledger.plans.history('p-none', commissioner, {}), { name: 'NotFoundError' })
  t.same(await ledger.plans.history('p-long', commissioner, { after: total + 5 }), { items: [] }, 'past the end: an empty page')
})
