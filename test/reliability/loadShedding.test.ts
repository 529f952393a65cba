// Load shedding on a real server driven past its capacity: with shedding on, requests beyond
// what the server can do are answered 503 with Retry-After at once, /ready says so, /health does
// not, and no acknowledged write is lost. How much faster the answered requests are than on a
// server that queues everything is a timing, so it is a benchmark (bench/loadShedding.ts), not an
// assertion here: on a machine shared with other tests the two runs can come out level.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { driveOverload, QUEUEING_ENV, SHEDDING_ENV } from '../support/overload.js'
import { call, startServer } from '../support/reliabilityServer.js'

t.setTimeout(900_000)
const dir = mkdtempSync(join(tmpdir(), 'gridledger-shed-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const CLIENTS = 128
const SECONDS = 6

t.test('past capacity: shed with 503 + Retry-After, /ready says so, nothing acknowledged lost', async t => {
  const queueing = await startServer({ store: `sqlite:${join(dir, 'queueing.db')}`, dropLogAfterStart: true, env: QUEUEING_ENV })
  t.teardown(() => queueing.kill())
  const withoutShedding = await driveOverload(queueing, CLIENTS, SECONDS)
  await queueing.kill('SIGTERM')

  const store = join(dir, 'shedding.db')
  const shedding = await startServer({ store: `sqlite:${store}`, dropLogAfterStart: true, env: SHEDDING_ENV })
  t.teardown(() => shedding.kill())
  const withShedding = await driveOverload(shedding, CLIENTS, SECONDS)

  t.same(withoutShedding.errors, [], 'without shedding every request is eventually answered')
  t.equal(withoutShedding.shed, 0, 'and none is shed')
  t.same(withShedding.errors, [], 'with shedding, nothing but 201 and 503')
  t.ok(withShedding.shed > 0, `requests past capacity were shed (${withShedding.shed})`)
  t.same(withShedding.badShed, [], 'each shed request got a problem with Retry-After')
  t.comment(`ready codes: ${JSON.stringify(withShedding.readyCodes.reduce<Record<number, number>>((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {}))}`)
  t.ok(withShedding.readyCodes.includes(503), '/ready reported the pressure')
  t.ok(withShedding.healthCodes.every(c => c === 200), '/health (liveness) is never shed')
  t.ok(withShedding.latencies.length > 0 && withoutShedding.latencies.length > 0, 'both servers answered writes')
  t.comment(`answered in this run: ${withShedding.latencies.length} with shedding, ${withoutShedding.latencies.length} queued (their latencies: npm run bench -- --only=shedding)`)

  // Nothing acknowledged is lost, even when the server is then killed.
  await shedding.kill('SIGKILL')
  const again = await startServer({ store: `sqlite:${store}` })
  t.teardown(() => again.kill())
  const missing: string[] = []
  let acked = 0
  for (const [planId, grids] of withShedding.acked) {
    const state = (await call(again.url, 'GET', `/v1/plans/${planId}`)).json() as { grids: Array<{ id: string }> }
    const present = new Set(state.grids.map(g => g.id))
    acked += grids.length
    for (const g of grids) if (!present.has(g)) missing.push(`${planId}/${g}`)
  }
  t.same(missing, [], `all ${acked} acknowledged writes are there after kill -9 and restart`)
})
