// The probe matrix: every route that names a plan × header and body tricks × a caller who may
// not see that plan → the same 404, whatever the tricks. Callers: a provider whose labels own
// nothing in the plan; a commissioner and an auditor scoped to another partnership; and every
// role for a plan id that does not exist (what an invisible plan must be indistinguishable
// from). The routes come from fastify's route table, so a route added later is probed too.
// Nothing may be recorded, no ETag or replay may answer, and the body is the nonexistent plan's
// body with the id swapped. One fixture in npm test; four, on SQLite too, with GRIDLEDGER_RELIABILITY=long.
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { planStreamId } from '../../src/domain/planStream.js'
import { ADMIN_TOKEN, seedPlan, startHarness, type Harness } from '../support/harness.js'

const LONG = process.env.GRIDLEDGER_RELIABILITY === 'long'
if (LONG) t.setTimeout(30 * 60_000)

interface Trick {
  name: string
  headers?: Record<string, string>
  payload?: string | object
  query?: string
}

/** A body each command route would accept on a plan the caller may see. */
const GOOD_BODIES: Record<string, object> = {
  'POST /v1/plans/:planId/grids': { number: 9, title: 'Probe' },
  'POST /v1/plans/:planId/grids/:gridId/objectives': { text: 'Probe' },
  'PATCH /v1/plans/:planId/objectives/:objectiveId': { text: 'Probe' },
  'POST /v1/plans/:planId/objectives/:objectiveId/actions': { text: 'Probe', owners: ['WDP'] },
  'PATCH /v1/plans/:planId/actions/:actionId': { text: 'Probe' },
  'POST /v1/plans/:planId/actions/:actionId/owners': { owner: 'WDP' },
  'POST /v1/plans/:planId/actions/:actionId/progress': { effectiveDate: '2008-06-30', note: 'Probe' },
  'PUT /v1/plans/:planId/actions/:actionId/rag': { rag: 'red' },
}

function tricks(route: string, version: number): Trick[] {
  const good = GOOD_BODIES[route] ?? {}
  const list: Trick[] = [
    { name: 'plain', payload: good },
    { name: 'If-Match "0"', headers: { 'if-match': '"0"' }, payload: good },
    { name: 'If-Match stale', headers: { 'if-match': '"1"' }, payload: good },
    { name: 'If-Match current', headers: { 'if-match': `"${version}"` }, payload: good },
    { name: 'If-Match weak current', headers: { 'if-match': `W/"${version}"` }, payload: good },
    { name: 'If-Match future', headers: { 'if-match': `"${version + 100}"` }, payload: good },
    { name: 'If-Match *', headers: { 'if-match': '*' }, payload: good },
    { name: 'If-Match garbage', headers: { 'if-match': 'not-a-tag' }, payload: good },
    { name: 'If-None-Match current', headers: { 'if-none-match': `"${version}"` } },
    { name: 'If-None-Match weak', headers: { 'if-none-match': `W/"${version}"` } },
    { name: 'If-None-Match *', headers: { 'if-none-match': '*' } },
    { name: 'Idempotency-Key', headers: { 'idempotency-key': 'probe-key-1' }, payload: good },
    { name: 'Idempotency-Key reused with another body', headers: { 'idempotency-key': 'probe-key-1' }, payload: { ...good, extra: 1 } },
    { name: 'Idempotency-Key invalid', headers: { 'idempotency-key': 'k'.repeat(300) }, payload: good },
    { name: 'bad JSON', headers: { 'content-type': 'application/json' }, payload: '{"oops' },
    { name: 'empty JSON', headers: { 'content-type': 'application/json' }, payload: '' },
    { name: 'wrong types', payload: { number: 'x', text: 5, rag: 'purple', owner: [], effectiveDate: 'yesterday', note: null, unknownField: 1 } },
    { name: 'text body', headers: { 'content-type': 'text/plain' }, payload: 'hello' },
    { name: 'unknown media type', headers: { 'content-type': 'application/x-probe' }, payload: 'hello' },
    { name: 'bad query', query: 'asOf=not-a-date&effectiveOn=2020-13-45&quarter=9&format=pdf&limit=-1&after=x&actionId=%00' },
    { name: 'good query', query: 'quarter=1&asOf=2030-01-01T00:00:00Z' },
    { name: 'Accept csv', headers: { accept: 'text/csv' }, query: 'quarter=1' },
    { name: 'everything at once', headers: { 'if-match': '"0"', 'if-none-match': '*', 'idempotency-key': 'probe-key-2', 'content-type': 'application/json' }, payload: '{"oops', query: 'asOf=x' },
  ]
  if (LONG) {
    list.push(
      { name: 'body over the limit', headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(1_100_000)}"` },
      { name: 'deep JSON', headers: { 'content-type': 'application/json' }, payload: '['.repeat(5000) + ']'.repeat(5000) },
      { name: 'If-Match list', headers: { 'if-match': `"0", "${version}", *` }, payload: good },
    )
  }
  return list
}

type Fixture = Awaited<ReturnType<typeof seedPlan>>

/** The request URL for a route pattern, its plan id replaced and its other ids taken from the fixture. */
function urlFor(pattern: string, planId: string, f: Fixture, query?: string): string {
  const path = pattern
    .replace(':planId', encodeURIComponent(planId))
    .replace(':gridId', f.gridId)
    .replace(':objectiveId', f.objectiveId)
    .replace(':actionId', f.actionId)
    .replace(':owner', 'CNWL')
    .replace(/:[A-Za-z]+/g, 'x')
  return query ? `${path}?${query}` : path
}

async function probe(h: Harness, route: string, planId: string, f: Fixture, token: string, version: number) {
  const [method, pattern] = route.split(' ')
  const answers = []
  for (const trick of tricks(route, version)) {
    const hasBody = trick.payload !== undefined && method !== 'GET' && method !== 'DELETE'
    const payload = hasBody ? (typeof trick.payload === 'string' ? trick.payload : JSON.stringify(trick.payload)) : undefined
    const headers = { ...(hasBody && !trick.headers?.['content-type'] ? { 'content-type': 'application/json' } : {}), ...(trick.headers ?? {}) }
    const res = await h.request({ method: method as 'GET', url: urlFor(pattern, planId, f, trick.query), headers, ...(payload !== undefined ? { payload } : {}), token })
    answers.push({ trick: trick.name, res })
  }
  return answers
}

function planRoutes(h: Harness): string[] {
  return [...new Set(h.app.routeTable)].filter(r => !r.startsWith('HEAD ') && r.includes(':planId')).sort()
}

async function runMatrix(t: Test, store: 'memory' | 'sqlite') {
  const h = await startHarness({ store })
  t.teardown(() => h.close())
  const routes = planRoutes(h)
  t.ok(routes.length >= 14, `${routes.length} routes name a plan`)
  const fixtures = []
  for (let i = 0; i < (LONG ? 4 : 1); i++) fixtures.push(await seedPlan(h))
  const stranger = (await h.token('provider', ['WDP', 'Turning Point'], 'a provider with no action in the plan')).token
  const scoped = async (role: string, partnerships: string[]) => {
    const res = await h.request({ method: 'POST', url: '/v1/tokens', payload: { role, partnerships } })
    if (res.statusCode !== 201) throw new Error(res.body)
    return res.json().token as string
  }
  const callers: Record<string, string> = {
    'provider owning nothing here': stranger,
    'commissioner scoped to another partnership': await scoped('commissioner', ['Slough DAAT']),
    'auditor scoped to another partnership': await scoped('auditor', ['Doncaster DAAT', 'Slough DAAT']),
  }
  const everyRole: Record<string, string> = {
    admin: ADMIN_TOKEN,
    commissioner: (await h.token('commissioner')).token,
    auditor: (await h.token('auditor')).token,
    'provider owning the action': (await h.token('provider', ['cnwl'])).token,
    ...callers,
  }
  let failures = 0
  let probes = 0
  for (const f of fixtures) {
    const before = await h.store.streamVersion(planStreamId(f.planId)).catch(() => null)
    const missingId = randomUUID()
    for (const route of routes) {
      // A plan that does not exist, by every role: the reference answer.
      for (const [who, token] of Object.entries(everyRole)) {
        for (const { trick, res } of await probe(h, route, missingId, f, token, 4)) {
          probes++
          const ok = res.statusCode === 404 && /^application\/problem\+json/.test(String(res.headers['content-type'])) && !res.headers.etag && !res.headers['idempotent-replayed']
          const body = ok ? res.json() : null
          if (!ok || body.detail !== `plan ${missingId} does not exist`) {
            failures++
            t.fail(`${who} × ${route} × ${trick} × missing plan → ${res.statusCode} ${res.body.slice(0, 160)}`)
          }
        }
      }
      const reference = JSON.parse(JSON.stringify({ type: 'https://gridledger.dev/problems/not-found', title: 'Not found', status: 404, detail: `plan ${f.planId} does not exist` }))
      for (const [who, token] of Object.entries(callers)) {
        for (const { trick, res } of await probe(h, route, f.planId, f, token, 4)) {
          probes++
          const same = res.statusCode === 404 && !res.headers.etag && !res.headers['idempotent-replayed'] && !res.headers.location && res.body === JSON.stringify(reference)
          if (!same) {
            failures++
            t.fail(`${who} × ${route} × ${trick} → ${res.statusCode} ${res.body.slice(0, 160)}`)
          }
        }
      }
    }
    const after = await h.store.streamVersion(planStreamId(f.planId)).catch(() => null)
    t.equal(after, before, 'nothing was recorded in the probed plan')
  }
  t.equal(failures, 0, `${probes} probes, every one the same 404`)
  // The matrix can fail: the provider who owns the action is answered on the merits.
  const f = fixtures[0]
  const control = await h.request({
    method: 'POST',
    url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`,
    payload: { effectiveDate: '2008-06-30', note: 'x' },
    headers: { 'if-match': '"0"' },
    token: everyRole['provider owning the action'],
  })
  t.equal(control.statusCode, 412, 'a caller who may see the plan gets 412 for a stale If-Match')
}

t.test('probe matrix on the memory store', t => runMatrix(t, 'memory'))
if (LONG) t.test('probe matrix on SQLite', t => runMatrix(t, 'sqlite'))
