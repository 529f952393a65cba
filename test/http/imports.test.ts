import t from 'tap'
import { readFileSync } from 'node:fs'
import { startHarness } from '../support/harness.js'
import { comparable } from '../import/support/comparable.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
const SEEDS = ['ealing-2006-07.txt', 'slough-2009-10.txt', 'staffordshire-2003-04.txt', 'doncaster-2017-18.txt']

/** The plan state without what differs between a preview and a recording: ids and times. */

t.test('each seed imports; the dry run equals what is recorded; re-import is 409', async t => {
  const h = await startHarness({ store: 'sqlite' })
  t.teardown(() => h.close())
  for (const name of SEEDS) {
    const text = fixture(name)
    const post = (query = '') => h.request({ method: 'POST', url: `/v1/imports${query}`, payload: text, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    const before = await h.store.headPosition()
    const dry = await post('?dryRun=true')
    t.equal(dry.statusCode, 200, `${name}: dry run`)
    t.equal(await h.store.headPosition(), before, `${name}: a dry run records nothing`)
    const real = await post()
    t.equal(real.statusCode, 201, `${name}: import`)
    const result = real.json()
    t.same(result.counts, dry.json().counts)
    t.ok(result.counts.actions > 0, `${name}: ${JSON.stringify(result.counts)}`)
    const state = (await h.request({ method: 'GET', url: `/v1/plans/${result.planId}` })).json()
    t.same(comparable(state), comparable(dry.json().plan), `${name}: the dry run shows exactly what the import recorded`)
    const history = (await h.request({ method: 'GET', url: `/v1/plans/${result.planId}/history?limit=1000` })).json()
    t.ok(history.items.every((e: { actor: { label: string } }) => e.actor.label === 'import'), `${name}: every event's actor is "import"`)
    t.ok(history.items.slice(1).every((e: { data: { source?: { line: number } } }) => typeof e.data.source?.line === 'number'), `${name}: every item names its source line`)
    const again = await post()
    t.equal(again.statusCode, 409, `${name}: the same document again is 409`)
    t.equal(again.json().planId, result.planId, 'with the existing plan id')
    t.equal((await h.request({ method: 'GET', url: `/v1/plans/${result.planId}/integrity` })).json().ok, true)
  }
  const forced = await h.request({ method: 'POST', url: '/v1/imports?force=true', payload: fixture(SEEDS[1]), headers: { 'content-type': 'text/plain' } })
  t.equal(forced.statusCode, 201, 'force records it again as a new plan')
})

t.test('bad documents get a clear error and record nothing', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const before = await h.store.headPosition()
  const post = (payload: string | Buffer) => h.request({ method: 'POST', url: '/v1/imports', payload, headers: { 'content-type': 'text/plain' } })
  const empty = await post('')
  t.equal(empty.statusCode, 400, 'empty')
  const random = await post('The quick brown fox jumps over the lazy dog.\n'.repeat(50))
  t.equal(random.statusCode, 400, 'random text')
  t.match(random.json(), { status: 400, detail: /grid|year/i, errors: Array })
  const binary = await post(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 8, 0xff, 0xfe, 0, 1, 2, 3]))
  t.equal(binary.statusCode, 400, 'binary')
  const huge = await post(Buffer.alloc(10 * 1024 * 1024, 'a'))
  t.equal(huge.statusCode, 413, '10 MiB')
  t.equal(await h.store.headPosition(), before, 'nothing was recorded')
})
