// Plan access answered from the plan catalogue: entries kept between requests, dropped as soon as
// the runner applies an event of their plan that can change its owners, so such a change is seen
// at once and a progress report costs no catalogue read.
import t from 'tap'
import { PlanAccess } from '../../src/app/planAccess.js'
import { NotFoundError } from '../../src/domain/errors.js'
import { planCatalogueProjection } from '../../src/projections/readModels/planCatalogue.js'
import { startProjections } from '../../src/projections/readModels/runner.js'
import type { ReadModelStore } from '../../src/projections/storage/readModelStore.js'
import { commissioner, PlanScript, provider } from '../projections/support/planScript.js'
import { appendScript, openMemory, openSqlite } from '../projections/support/stores.js'

/** Counts the reads of a collection made outside transactions (the runner's own reads go through its transaction). */
function countReads(readModels: ReadModelStore, collection: string): () => number {
  const get = readModels.get.bind(readModels)
  let reads = 0
  readModels.get = <T>(c: string, k: string): T | undefined => {
    if (c === collection) reads++
    return get<T>(c, k)
  }
  return () => reads
}

for (const [kind, open] of [
  ['memory', openMemory],
  ['sqlite', () => openSqlite(':memory:')],
] as const) {
  t.test(`${kind}: given a provider owning an action, when it asks again and again, then the catalogue is read once; when its ownership ends, then the plan is hidden at once`, async t => {
    const { store, readModels } = open()
    const runner = startProjections(store, readModels, [planCatalogueProjection], { lingerMs: 0 })
    t.teardown(async () => {
      await runner.close()
      await store.close()
    })
    const access = new PlanAccess(store, readModels, runner)
    const s = new PlanScript('p-access').create('Doncaster', '2017/18')
    const o = s.objective(s.grid(1, 'Recovery'), 'More people in recovery', '1')
    const a = s.action(o, { text: 'Peer mentors', due: 'Qtr 2', owners: ['Aspire'] })
    s.action(o, { text: 'Mutual aid', due: 'Ongoing', owners: ['DM'] })
    let head = await appendScript(store, s)
    t.equal(await runner.waitFor(head), true)
    const aspire = provider('Aspire')
    const reads = countReads(readModels, 'plans')
    for (let i = 0; i < 20; i++) await access.requireVisible('p-access', aspire)
    t.equal(reads(), 1, 'twenty checks, one catalogue read')
    for (let i = 1; i <= 5; i++) {
      s.at(`2017-08-0${i}T09:00:00Z`).as(aspire).run({ type: 'ReportProgress', actionId: a, effectiveDate: '2017-07-31', note: `report ${i}` })
      head = await appendScript(store, s)
      t.equal(await runner.waitFor(head), true)
      await access.requireVisible('p-access', aspire)
    }
    t.equal(reads(), 1, 'progress reports change nothing visibility reads: still one catalogue read')

    s.at('2017-09-01T00:00:00Z').as(commissioner).run({ type: 'UnassignOwner', actionId: a, owner: 'Aspire' })
    head = await appendScript(store, s)
    t.equal(await runner.waitFor(head), true)
    await t.rejects(access.requireVisible('p-access', aspire), NotFoundError, 'the plan is hidden once the runner has the change')
    await access.requireVisible('p-access', provider('DM'))
    await t.rejects(access.requireVisible('p-none', aspire), NotFoundError)
  })
}
