// The OpenAPI document is the contract a provider's client is generated from: OpenAPI 3.1, every
// route with an operationId a person would choose, Redocly's recommended rules clean, and no drift
// (the harness checks every answer of every API test against it; here, that the check bites).
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { OpenApiCheck } from '../support/openApiCheck.js'
import { seedPlan, startHarness } from '../support/harness.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
type Json = Record<string, any>

async function documentOf(): Promise<Json> {
  const h = await startHarness()
  try {
    return (await h.request({ method: 'GET', url: '/openapi.json', token: null })).json()
  } finally {
    await h.close()
  }
}

t.test('OpenAPI 3.1 with servers, license, and an operationId on every route served', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const doc: Json = (await h.request({ method: 'GET', url: '/openapi.json', token: null })).json()
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.servers?.length, 'servers')
  t.match(doc.info.license, { name: 'MIT', identifier: 'MIT' })
  const ids: string[] = []
  for (const entry of h.app.routeTable) {
    const [method, url] = entry.split(' ')
    if (['HEAD', 'OPTIONS'].includes(method) || url.startsWith('/docs') || url === '/openapi.json') continue
    const path = url.replace(/:(\w+)/g, '{$1}')
    const op = doc.paths[path]?.[method.toLowerCase()]
    t.ok(op, `${method} ${path} is documented`)
    if (!op) continue
    t.match(op.operationId, /^[a-z][A-Za-z]+$/, `${method} ${path} has an operationId (${op.operationId})`)
    ids.push(op.operationId)
    for (const [status, response] of Object.entries<Json>(op.responses)) {
      t.not(response.description, 'Default Response', `${op.operationId} ${status} says what it is`)
    }
  }
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique')
  for (const id of ['getPlan', 'listPlans', 'reportProgress', 'setRag', 'getHistory', 'getQuarterlyReport', 'importPlan', 'createToken']) t.ok(ids.includes(id), id)
})

t.test('answers are described completely: plan state, report rows, history entries, problems', async t => {
  const doc = await documentOf()
  const schemas = doc.components.schemas
  t.match(schemas.PlanState.properties.grids.items, { $ref: '#/components/schemas/Grid' })
  t.match(schemas.Action.required, ['id', 'number', 'text', 'due', 'owners', 'cost', 'rag', 'ragDecision', 'proposedRag', 'progress', 'suggestedRag'])
  t.equal(schemas.Action.additionalProperties, false, 'an undocumented field is a difference')
  t.match(schemas.QuarterlyReport.properties.rows.items, { $ref: '#/components/schemas/ReportRow' })
  t.match(schemas.HistoryEntry.required, ['position', 'type', 'recordedAt', 'actor', 'planId', 'data'])
  const progress = doc.paths['/v1/plans/{planId}/actions/{actionId}/progress'].post
  t.match(progress.responses['201'].content['application/json'].schema, { $ref: '#/components/schemas/ProgressRecorded' })
  t.match(progress.responses['201'].headers, { ETag: {}, 'Idempotent-Replayed': {} })
  t.same(progress.parameters.filter((p: Json) => p.$ref).map((p: Json) => p.$ref), ['#/components/parameters/IfMatch', '#/components/parameters/IdempotencyKey'])
  for (const status of ['400', '401', '403', '404', '409', '412', '413', '415', '422', '429', '503']) t.ok(progress.responses[status], `reportProgress documents ${status}`)
  t.same(Object.keys(doc.paths['/health'].get.responses), ['200'], 'a route answers only what it can')
  t.same(doc.paths['/health'].get.security, [], 'public routes need no token')
  t.match(doc.components.responses.TooManyRequests, { headers: { 'Retry-After': {} }, content: { 'application/problem+json': {} } })
  const report = doc.paths['/v1/plans/{planId}/reports/quarterly'].get.responses['200'].content
  t.same(Object.keys(report).sort(), ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv', 'text/html'])
  t.ok(JSON.stringify(doc).match(/"examples?":/g)!.length >= 20, 'examples')
  // Meetings, RAG verdicts and sign-offs are named shapes too, with their instants and dates typed.
  const named = (path: string, method: string, status: string) => doc.paths[path][method].responses[status].content['application/json'].schema.$ref
  t.equal(named('/v1/plans/{planId}/meetings/{meetingId}', 'get', '200'), '#/components/schemas/MeetingDetail')
  t.equal(named('/v1/plans/{planId}/meetings/{meetingId}/minutes', 'get', '200'), '#/components/schemas/Minutes')
  t.equal(named('/v1/plans/{planId}/actions/{actionId}/rag-proposal/accept', 'post', '200'), '#/components/schemas/RagProposalAccepted')
  t.equal(named('/v1/plans/{planId}/signoffs', 'post', '201'), '#/components/schemas/SignOffCreated')
  t.match(schemas.Meeting.properties.recordedAt, { format: 'date-time' })
  t.match(schemas.AgendaItem.properties.since.items, { $ref: '#/components/schemas/HistoryEntry' }, 'one HistoryEntry for history, feed and agendas')
})

const redocly = join(root, 'node_modules', '.bin', 'redocly')
const noRedocly = !existsSync(redocly) && 'skipped: @redocly/cli is not installed (node_modules/.bin/redocly missing)'
t.test("Redocly's recommended rules: no errors, only the warnings justified in .redocly.lint-ignore.yaml", { skip: noRedocly }, async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gridledger-openapi-'))
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(await documentOf(), null, 2))
  for (const file of ['redocly.yaml', '.redocly.lint-ignore.yaml']) copyFileSync(join(root, file), join(dir, file))
  const { stdout } = await run(redocly, ['lint', 'openapi.json', '--format=json'], { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch(
    (error: { stdout: string }) => ({ stdout: error.stdout }),
  )
  const result = JSON.parse(stdout.slice(stdout.indexOf('{')))
  const shown = result.problems.map((p: Json) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`)
  t.same(shown, [], 'no errors and no unjustified warnings')
  t.equal(result.totals.errors, 0)
  t.equal(result.totals.warnings, 0)
  t.equal(result.totals.ignored, 2, 'the two justified warnings')
})

t.test('no drift: an answer the document does not describe fails the request that got it', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  // A route that answers a status it does not document.
  h.app.get('/v1/teapot', { schema: { operationId: 'teapot', summary: 'probe', tags: ['ops'] } }, async (_request, reply) => reply.code(418).send({ brewing: true }))
  const f = await seedPlan(h)

  const plans = h.ledger.plans
  const state = plans.state.bind(plans)
  plans.state = async (...args) => ({ ...(await state(...args)), secret: 'not in the document' })
  await t.rejects(h.request({ method: 'GET', url: `/v1/plans/${f.planId}?effectiveOn=2008-07-20` }), /GET \/v1\/plans\/\{planId\} → 200: body must NOT have additional properties \(secret\)/, 'a field added to code only')
  plans.state = state

  const history = plans.history.bind(plans)
  plans.history = async (...args) => {
    const page = await history(...args)
    return { ...page, items: page.items.map(({ position: _position, ...rest }) => rest as never) }
  }
  await t.rejects(h.request({ method: 'GET', url: `/v1/plans/${f.planId}/history` }), /body\/items\/0 must have required property 'position'/, 'a documented field missing')
  plans.history = history

  await t.rejects(h.request({ method: 'GET', url: '/v1/teapot' }), /GET \/v1\/teapot → 418: the document lists no 418/, 'a status the document does not list')
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${f.planId}` })).statusCode, 200, 'described answers pass')

  // The check itself, on answers no route would send.
  const check = OpenApiCheck.of(h.app)
  t.match(check.problems({ method: 'GET', route: '/v1/plans/:planId', status: 200, contentType: 'text/html', body: '<p>' }), [/media type text\/html not documented/])
  t.match(check.problems({ method: 'DELETE', route: '/v1/plans', status: 204, contentType: undefined, body: '' }), [/DELETE \/v1\/plans is not in the OpenAPI document/])
  t.same(check.problems({ method: 'GET', route: '/v1/plans/:planId', status: 404, contentType: 'application/problem+json', body: JSON.stringify({ type: 'x', title: 'Not found', status: 404, detail: 'd' }) }), [])
})
