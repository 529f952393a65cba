// The failed-login flood, against a real listening server with GRIDLEDGER_RATE_LIMIT=10: bad
// tokens (all different, and one repeated), no token, and probes of routes that do not exist,
// sent concurrently from one address. At most the budget is answered 401/404, the rest 429 with
// Retry-After; meanwhile /health answers and a good token still works. 100 requests in npm
// test; 5,000 with GRIDLEDGER_RELIABILITY=long.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { call, startServer } from '../support/reliabilityServer.js'

const LONG = process.env.GRIDLEDGER_RELIABILITY === 'long'
const FLOOD = LONG ? 5_000 : 100
const CONCURRENCY = 20
const LIMIT = 10
if (LONG) t.setTimeout(20 * 60_000)

t.test('a flood of failed logins is answered 429 per address, and the server stays available', async t => {
  const store = `sqlite:${join(mkdtempSync(join(tmpdir(), 'gridledger-flood-')), 'flood.db')}`
  const server = await startServer({ store, env: { GRIDLEDGER_RATE_LIMIT: String(LIMIT) }, dropLogAfterStart: true, timeoutMs: 120_000 })
  t.teardown(() => server.kill())
  const good = (await call(server.url, 'POST', '/v1/tokens', { role: 'auditor' })).json().token as string

  const kinds = ['distinct bad tokens', 'one bad token', 'no token', 'unknown route'] as const
  const results = new Map<string, { codes: number[]; retryAfter: string[] }>(kinds.map(k => [k, { codes: [], retryAfter: [] }]))
  let next = 0
  const send = async (i: number) => {
    const kind = kinds[i % kinds.length]
    const headers: Record<string, string> =
      kind === 'distinct bad tokens' ? { authorization: `Bearer glt_flood-${i}` } : kind === 'one bad token' ? { authorization: 'Bearer glt_always-the-same' } : kind === 'unknown route' ? { authorization: `Bearer glt_probe-${i}` } : {}
    const res = await fetch(`${server.url}${kind === 'unknown route' ? `/v1/secret-${i}` : '/v1/plans'}`, { headers, signal: AbortSignal.timeout(30_000) })
    await res.arrayBuffer()
    const r = results.get(kind)!
    r.codes.push(res.status)
    if (res.status === 429) r.retryAfter.push(res.headers.get('retry-after') ?? '')
  }
  const healthDuring: number[] = []
  const goodDuring: number[] = []
  const flood = Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < FLOOD) await send(next++)
    }),
  )
  while (next < FLOOD) {
    healthDuring.push((await fetch(`${server.url}/health`)).status)
    // The good token has its own budget of LIMIT a minute: spend at most part of it.
    if (goodDuring.length < LIMIT - 2) goodDuring.push((await call(server.url, 'GET', '/v1/plans', undefined, { token: good })).status)
    await sleep(200)
  }
  await flood

  const all = [...results.values()].flatMap(r => r.codes)
  t.equal(all.length, FLOOD, `${FLOOD} requests answered`)
  const auth = [...results.entries()].filter(([k]) => k !== 'unknown route').flatMap(([, r]) => r.codes)
  t.ok(auth.filter(c => c === 401).length <= LIMIT, `at most ${LIMIT} failed authentications answered 401 (${auth.filter(c => c === 401).length})`)
  t.same([...new Set(auth.filter(c => c !== 401))], [429], 'the rest 429')
  const probes = results.get('unknown route')!.codes
  t.ok(probes.filter(c => c === 404).length <= LIMIT, `at most ${LIMIT} unknown-route probes answered 404 (${probes.filter(c => c === 404).length})`)
  t.same([...new Set(probes.filter(c => c !== 404))], [429], 'the rest 429')
  for (const [kind, r] of results) {
    t.ok(r.retryAfter.length > 0 && r.retryAfter.every(v => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 60), `${kind}: every 429 says Retry-After in seconds`)
  }
  t.ok(healthDuring.length > 0 && healthDuring.every(c => c === 200), `/health answered 200 during the flood (${healthDuring.length} times)`)
  t.ok(goodDuring.every(c => c === 200), `a good token kept working from the same address (${goodDuring.length} times)`)
})
