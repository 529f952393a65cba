import t from 'tap'
import { ADMIN_TOKEN, seedPlan, startHarness } from '../support/harness.js'

t.test('health, readiness, OpenAPI', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  t.same((await h.request({ method: 'GET', url: '/health', token: null })).json(), { status: 'ok' })
  t.equal((await h.request({ method: 'GET', url: '/ready', token: null })).statusCode, 200)
  const doc = (await h.request({ method: 'GET', url: '/openapi.json', token: null })).json()
  t.match(doc, { openapi: /^3\./, info: { title: 'gridledger' } })
  for (const path of ['/v1/plans', '/v1/plans/{planId}', '/v1/plans/{planId}/actions/{actionId}/rag', '/v1/imports', '/v1/tokens']) t.ok(doc.paths[path], `documents ${path}`)
  const docs = await h.request({ method: 'GET', url: '/docs', token: null })
  t.ok(docs.statusCode === 200 || docs.statusCode === 302, '/docs answers')
  const page = await h.request({ method: 'GET', url: '/docs/', token: null })
  t.match(page.body, /swagger/i, '/docs renders the browsable page')
})

t.test('a plan from creation to quarterly report', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const created = await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09', title: 'Part 3: Planning grids' } })
  t.equal(created.statusCode, 201)
  const plan = created.json()
  t.match(plan, { id: String, partnership: 'Ealing DAAT', year: '2008/09', title: 'Part 3: Planning grids', version: 1 })
  t.equal(created.headers.location, `/v1/plans/${plan.id}`)
  t.equal(created.headers.etag, '"1"')

  const grid = (await h.request({ method: 'POST', url: `/v1/plans/${plan.id}/grids`, payload: { number: 1, title: 'Harm reduction' } })).json()
  const objective = (await h.request({ method: 'POST', url: `/v1/plans/${plan.id}/grids/${grid.id}/objectives`, payload: { number: '1', text: 'Reduce deaths', outcomes: ['Fewer deaths'] } })).json()
  const actionRes = await h.request({
    method: 'POST',
    url: `/v1/plans/${plan.id}/objectives/${objective.id}/actions`,
    payload: { number: '1.1', text: 'Train staff', due: 'Qtr 2', owners: ['CNWL', 'DM'], cost: '20K' },
  })
  t.equal(actionRes.statusCode, 201)
  const action = actionRes.json()
  t.match(action, { due: { text: 'Qtr 2', from: '2008-07-01', to: '2008-09-30' }, cost: { text: '20K', pence: 2000000 }, owners: ['CNWL', 'DM'], version: 4 })

  const progress = await h.request({
    method: 'POST',
    url: `/v1/plans/${plan.id}/actions/${action.id}/progress`,
    payload: { effectiveDate: '2008-06-30', note: '12 staff trained', status: 'in_progress', percentComplete: 40, furtherAction: 'Second cohort' },
  })
  t.equal(progress.statusCode, 201)
  t.match(progress.json(), { eventId: String, recordedAt: /Z$/ })
  t.equal((await h.request({ method: 'PUT', url: `/v1/plans/${plan.id}/actions/${action.id}/rag`, payload: { rag: 'amber', effectiveDate: '2008-06-30', reason: 'Venue' } })).statusCode, 200)

  const state = (await h.request({ method: 'GET', url: `/v1/plans/${plan.id}` })).json()
  t.match(state, {
    id: plan.id,
    version: 6,
    grids: [{ id: grid.id, number: 1, objectives: [{ id: objective.id, actions: [{ id: action.id, rag: 'amber', progress: { note: '12 staff trained', percentComplete: 40, effectiveDate: '2008-06-30' } }] }] }],
  })
  const report = (await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/reports/quarterly?quarter=1` })).json()
  t.match(report, { year: '2008/09', quarter: { number: 1, from: '2008-04-01', to: '2008-06-30' }, rows: [{ actionId: action.id, rag: 'amber', progressToDate: '12 staff trained', byWhom: 'CNWL, DM' }] })
  const csv = await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/reports/quarterly?quarter=1`, headers: { accept: 'text/csv' } })
  t.match(csv.headers['content-type'], /text\/csv/)
  t.match(csv.body, /12 staff trained/)
  const xlsx = await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/reports/quarterly?quarter=1&format=xlsx` })
  t.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip')

  const history = (await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/history` })).json()
  t.same(history.items.map((e: { type: string }) => e.type), ['PlanCreated', 'GridAdded', 'ObjectiveAdded', 'ActionAdded', 'ProgressReported', 'RagSet'])
  t.match(history.items[4], { position: 5, effectiveDate: '2008-06-30', actor: { tokenId: 'bootstrap', role: 'admin' }, actionId: action.id })
  const integrity = (await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/integrity` })).json()
  t.match(integrity, { ok: true, events: 6, head: /^[0-9a-f]{64}$/ })

  const list = (await h.request({ method: 'GET', url: '/v1/plans' })).json()
  t.match(list.items, [{ id: plan.id, version: 6 }], 'the list reads its own writes')
})

t.test('validation: each bad field named, nothing recorded', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const before = await h.store.headPosition()
  const cases: Array<[string, string, unknown, string[]]> = [
    ['POST', '/v1/plans', { partnership: 'X', year: '2008/10' }, ['year']],
    ['POST', '/v1/plans', { partnership: 'X', year: '2008/09', colour: 'red' }, ['colour']],
    ['POST', '/v1/plans', { year: 5 }, ['partnership', 'year']],
    ['POST', `/v1/plans/${f.planId}/grids`, { number: 'one', title: '' }, ['number', 'title']],
    ['POST', `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, { effectiveDate: '2008-02-30', note: 'x' }, ['effectiveDate']],
    ['POST', `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, { effectiveDate: '2008-06-30', note: 'x', percentComplete: 101 }, ['percentComplete']],
    ['POST', `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, { effectiveDate: '2008-06-30', note: 'x', status: 'done' }, ['status']],
    ['PUT', `/v1/plans/${f.planId}/actions/${f.actionId}/rag`, { rag: 'blue' }, ['rag']],
    ['POST', `/v1/plans/${f.planId}/actions/${f.actionId}/owners`, { owner: '' }, ['owner']],
  ]
  for (const [method, url, payload, fields] of cases) {
    const res = await h.request({ method: method as 'POST', url, payload: payload as object })
    t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)} → 400`)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    const body = res.json()
    t.match(body, { type: String, title: String, status: 400, detail: String })
    for (const field of fields) t.ok(body.errors.some((e: { path: string }) => e.path === field), `names ${field}: ${JSON.stringify(body.errors)}`)
  }
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${f.planId}?asOf=yesterday` })).statusCode, 400)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/reports/quarterly?quarter=5` })).statusCode, 400)
  t.equal(await h.store.headPosition(), before, 'nothing was recorded')
})

t.test('protocol errors are problems, never 5xx', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const malformed = await h.request({ method: 'POST', url: '/v1/plans', payload: '{"partnership": ', headers: { 'content-type': 'application/json' } })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json(), { status: 400, detail: /JSON/ })
  t.equal((await h.request({ method: 'POST', url: '/v1/plans', payload: 'partnership=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode, 415)
  t.equal((await h.request({ method: 'POST', url: '/v1/plans', payload: 'hello', headers: { 'content-type': 'text/plain' } })).statusCode, 415, 'text on a JSON route')
  t.equal((await h.request({ method: 'POST', url: '/v1/imports', payload: { a: 1 } })).statusCode, 415, 'JSON on the import route')
  const big = await h.request({ method: 'POST', url: '/v1/plans', payload: JSON.stringify({ partnership: 'x'.repeat(2 * 1024 * 1024), year: '2008/09' }), headers: { 'content-type': 'application/json' } })
  t.equal(big.statusCode, 413)
  const unknown = await h.request({ method: 'GET', url: '/v1/nothing-here' })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /problem\+json/)
  t.equal((await h.request({ method: 'GET', url: '/v1/plans/does-not-exist' })).statusCode, 404)
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/grids`, payload: { number: 1, title: 'Again' } })).statusCode, 409, 'duplicate grid number')
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/nope/progress`, payload: { effectiveDate: '2008-06-30', note: 'x' } })).statusCode, 404)
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: 'not-a-token' })).statusCode, 401)
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: null })).headers['www-authenticate'], 'Bearer realm="gridledger"')
})

t.test('providers are scoped by owner label, object by object', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const mine = await seedPlan(h) // owners CNWL, DM
  const other = await seedPlan(h)
  await h.request({ method: 'DELETE', url: `/v1/plans/${other.planId}/actions/${other.actionId}/owners/CNWL` })
  const otherAction = (
    await h.request({ method: 'POST', url: `/v1/plans/${mine.planId}/objectives/${mine.objectiveId}/actions`, payload: { text: 'Needle exchange', owners: ['WDP'] } })
  ).json()
  const cnwl = (await h.token('provider', ['cnwl'], 'CNWL system')).token
  const list = (await h.request({ method: 'GET', url: '/v1/plans', token: cnwl })).json()
  t.same(list.items.map((p: { id: string }) => p.id), [mine.planId], 'lists only plans where its label owns an action')
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${other.planId}`, token: cnwl })).statusCode, 404, 'a plan without its labels is 404')
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${other.planId}/reports/quarterly?quarter=1`, token: cnwl })).statusCode, 404)
  const progress = { effectiveDate: '2008-06-30', note: 'x' }
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${mine.planId}/actions/${mine.actionId}/progress`, payload: progress, token: cnwl })).statusCode, 201)
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${mine.planId}/actions/${otherAction.id}/progress`, payload: progress, token: cnwl })).statusCode, 403, "another provider's action: 403")
  t.equal((await h.request({ method: 'PUT', url: `/v1/plans/${mine.planId}/actions/${otherAction.id}/rag`, payload: { rag: 'red' }, token: cnwl })).statusCode, 403)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${mine.planId}/history`, token: cnwl })).statusCode, 403, 'providers get no history')
  t.equal((await h.request({ method: 'POST', url: '/v1/tokens', payload: { role: 'provider', owners: ['x'] }, token: cnwl })).statusCode, 403, 'providers get no tokens')

  // A provider's RAG is a proposal until a commissioner sets one.
  const proposed = await h.request({ method: 'PUT', url: `/v1/plans/${mine.planId}/actions/${mine.actionId}/rag`, payload: { rag: 'red', reason: 'Trainer left' }, token: cnwl })
  t.equal(proposed.statusCode, 202)
  let action = (await h.request({ method: 'GET', url: `/v1/plans/${mine.planId}` })).json().grids[0].objectives[0].actions[0]
  t.match(action, { rag: null, proposedRag: { rag: 'red', reason: 'Trainer left', actor: { role: 'provider', label: 'CNWL system' } } })
  await h.request({ method: 'PUT', url: `/v1/plans/${mine.planId}/actions/${mine.actionId}/rag`, payload: { rag: 'amber' } })
  action = (await h.request({ method: 'GET', url: `/v1/plans/${mine.planId}` })).json().grids[0].objectives[0].actions[0]
  t.match(action, { rag: 'amber', proposedRag: null }, "the commissioner's rating settles the proposal")
  const history = (await h.request({ method: 'GET', url: `/v1/plans/${mine.planId}/history?actionId=${mine.actionId}` })).json()
  t.match(history.items.find((e: { type: string }) => e.type === 'RagProposed'), { actor: { role: 'provider', label: 'CNWL system' } }, 'every event records its actor')
})

t.test('revocation takes effect at once', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const c = await h.token('commissioner')
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: c.token })).statusCode, 200)
  t.equal((await h.request({ method: 'DELETE', url: `/v1/tokens/${c.id}` })).statusCode, 204)
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: c.token })).statusCode, 401)
  t.equal((await h.request({ method: 'DELETE', url: '/v1/tokens/unknown-id' })).statusCode, 404)
  const issued = await h.request({ method: 'POST', url: '/v1/tokens', payload: { role: 'provider', owners: ['CNWL'], label: 'CNWL system' } })
  t.match(issued.json(), { id: String, token: /^glt_/, role: 'provider', owners: ['CNWL'], label: 'CNWL system' })
  t.equal((await h.request({ method: 'POST', url: '/v1/tokens', payload: { role: 'provider' } })).statusCode, 400, 'a provider needs an owner label')
  const events = await h.store.readStream('tokens')
  t.notOk(JSON.stringify(events).includes(issued.json().token), 'the token itself is never stored')
})

t.test('If-Match: two writers with one version, exactly one wins', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const version = (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}` })).json().version
  const write = (note: string) =>
    h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-06-30', note }, headers: { 'if-match': `"${version}"` } })
  const [a, b] = await Promise.all([write('first'), write('second')])
  t.same([a.statusCode, b.statusCode].sort(), [201, 412])
  t.equal((await write('third')).statusCode, 412, 'a stale version stays stale')
  const ok = await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/grids`, payload: { number: 7, title: 'x' }, headers: { 'if-match': `"${version + 1}"` } })
  t.equal(ok.statusCode, 201)
  t.equal(ok.headers.etag, `"${version + 2}"`)
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/grids`, payload: { number: 8, title: 'x' }, headers: { 'if-match': 'garbage' } })).statusCode, 400)
})

// Idempotency-Key: test/http/idempotency.test.ts, on every store.

t.test('bootstrap admin token is required for admin work without minted tokens', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: ADMIN_TOKEN })).statusCode, 200)
  t.equal((await h.request({ method: 'GET', url: '/v1/plans', token: ADMIN_TOKEN.slice(0, -1) })).statusCode, 401)
})
