// Every role (and no token, and a revoked token) against every route, with the exact expected
// code. The route list comes from fastify's own route table: a route added without a row here
// fails this test. Commissioner and auditor tokens scoped to partnerships (API.md, "Partnership
// scoping") take part: scoped to the fixture plan's partnership (spelt in another case) they
// act as their role does; scoped to another, every route naming the plan is 404.
import t from 'tap'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'

type Who = 'none' | 'revoked' | 'admin' | 'commissioner' | 'provider' | 'auditor' | 'commissionerOwn' | 'commissionerOther' | 'auditorOwn' | 'auditorOther'
const WHO: Who[] = ['none', 'revoked', 'admin', 'commissioner', 'provider', 'auditor', 'commissionerOwn', 'commissionerOther', 'auditorOwn', 'auditorOther']
/** The unscoped role whose row a scoped token follows (where it sees the plan). */
const BASE: Partial<Record<Who, Who>> = { commissionerOwn: 'commissioner', commissionerOther: 'commissioner', auditorOwn: 'auditor', auditorOther: 'auditor' }

type Fixture = Awaited<ReturnType<typeof seedPlan>>
interface Row {
  /** Builds the request for a fresh fixture. */
  request(f: Fixture, h: Harness): Promise<{ url: string; payload?: unknown; headers?: Record<string, string> }> | { url: string; payload?: unknown; headers?: Record<string, string> }
  expect: Partial<Record<Who, number>> & { default: number }
}

const editorsOnly = (ok: number) => ({ none: 401, revoked: 401, provider: 403, auditor: 403, default: ok })
const everyone = { none: 401, revoked: 401, default: 200 }
const auditReaders = { none: 401, revoked: 401, provider: 403, default: 200 }
const PUBLIC = { default: 200 }

const ROWS: Record<string, Row> = {
  'GET /health': { request: () => ({ url: '/health' }), expect: PUBLIC },
  'GET /ready': { request: () => ({ url: '/ready' }), expect: PUBLIC },
  'GET /openapi.json': { request: () => ({ url: '/openapi.json' }), expect: PUBLIC },
  'POST /v1/tokens': { request: () => ({ url: '/v1/tokens', payload: { role: 'auditor' } }), expect: { none: 401, revoked: 401, commissioner: 403, provider: 403, auditor: 403, default: 201 } },
  'DELETE /v1/tokens/:tokenId': {
    request: async (_f, h) => ({ url: `/v1/tokens/${(await h.token('auditor')).id}` }),
    expect: { none: 401, revoked: 401, commissioner: 403, provider: 403, auditor: 403, default: 204 },
  },
  'POST /v1/plans': {
    request: () => ({ url: '/v1/plans', payload: { partnership: 'Slough DAAT', year: '2009/10' } }),
    // Scoped to Ealing, a commissioner may not create Slough's plan; scoped to Slough it may.
    expect: { ...editorsOnly(201), commissionerOwn: 403, auditorOwn: 403, auditorOther: 403 },
  },
  'GET /v1/plans': { request: () => ({ url: '/v1/plans' }), expect: everyone },
  'GET /v1/plans/:planId': { request: f => ({ url: `/v1/plans/${f.planId}` }), expect: everyone },
  'POST /v1/plans/:planId/grids': { request: f => ({ url: `/v1/plans/${f.planId}/grids`, payload: { number: 2, title: 'Workforce development' } }), expect: editorsOnly(201) },
  'POST /v1/plans/:planId/grids/:gridId/objectives': { request: f => ({ url: `/v1/plans/${f.planId}/grids/${f.gridId}/objectives`, payload: { text: 'Improve access' } }), expect: editorsOnly(201) },
  'PATCH /v1/plans/:planId/objectives/:objectiveId': { request: f => ({ url: `/v1/plans/${f.planId}/objectives/${f.objectiveId}`, payload: { text: 'Halve deaths' } }), expect: editorsOnly(200) },
  'POST /v1/plans/:planId/objectives/:objectiveId/actions': { request: f => ({ url: `/v1/plans/${f.planId}/objectives/${f.objectiveId}/actions`, payload: { text: 'Audit', due: 'Qtr 3' } }), expect: editorsOnly(201) },
  'PATCH /v1/plans/:planId/actions/:actionId': { request: f => ({ url: `/v1/plans/${f.planId}/actions/${f.actionId}`, payload: { due: 'Qtr 4' } }), expect: editorsOnly(200) },
  'DELETE /v1/plans/:planId/actions/:actionId': { request: f => ({ url: `/v1/plans/${f.planId}/actions/${f.actionId}?reason=merged` }), expect: editorsOnly(204) },
  'POST /v1/plans/:planId/actions/:actionId/owners': { request: f => ({ url: `/v1/plans/${f.planId}/actions/${f.actionId}/owners`, payload: { owner: 'WDP' } }), expect: editorsOnly(201) },
  'DELETE /v1/plans/:planId/actions/:actionId/owners/:owner': { request: f => ({ url: `/v1/plans/${f.planId}/actions/${f.actionId}/owners/DM` }), expect: editorsOnly(204) },
  'POST /v1/plans/:planId/actions/:actionId/progress': {
    request: f => ({ url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-06-30', note: 'On track' } }),
    expect: { none: 401, revoked: 401, auditor: 403, default: 201 },
  },
  'POST /v1/plans/:planId/progress': {
    request: f => ({ url: `/v1/plans/${f.planId}/progress`, payload: { items: [{ actionId: f.actionId, effectiveDate: '2008-06-30', note: 'On track' }] } }),
    expect: { none: 401, revoked: 401, auditor: 403, default: 201 },
  },
  'PUT /v1/plans/:planId/actions/:actionId/rag': {
    request: f => ({ url: `/v1/plans/${f.planId}/actions/${f.actionId}/rag`, payload: { rag: 'amber' } }),
    expect: { none: 401, revoked: 401, auditor: 403, provider: 202, default: 200 },
  },
  'GET /v1/plans/:planId/reports/quarterly': { request: f => ({ url: `/v1/plans/${f.planId}/reports/quarterly?quarter=1` }), expect: everyone },
  'GET /v1/plans/:planId/history': { request: f => ({ url: `/v1/plans/${f.planId}/history` }), expect: auditReaders },
  'GET /v1/plans/:planId/integrity': { request: f => ({ url: `/v1/plans/${f.planId}/integrity` }), expect: auditReaders },
  'POST /v1/plans/:planId/signoffs': { request: f => ({ url: `/v1/plans/${f.planId}/signoffs`, payload: { quarter: 1, signedBy: 'Board' } }), expect: editorsOnly(201) },
  'GET /v1/plans/:planId/signoffs': { request: f => ({ url: `/v1/plans/${f.planId}/signoffs` }), expect: auditReaders },
  'GET /v1/plans/:planId/signoffs/:signoffId': {
    request: async (f, h) => ({ url: `/v1/plans/${f.planId}/signoffs/${(await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/signoffs`, payload: { quarter: 1, signedBy: 'Board' } })).json().id}` }),
    expect: auditReaders,
  },
  'GET /v1/plans/:planId/export': { request: f => ({ url: `/v1/plans/${f.planId}/export` }), expect: auditReaders },
  'GET /v1/plans/:planId/head': { request: f => ({ url: `/v1/plans/${f.planId}/head` }), expect: auditReaders },
  'GET /v1/keys': { request: () => ({ url: '/v1/keys' }), expect: PUBLIC },
  'GET /v1/plans/:planId/changes': { request: f => ({ url: `/v1/plans/${f.planId}/changes?from=2008-01-01T00:00:00Z&to=2030-01-01T00:00:00Z` }), expect: auditReaders },
  'POST /v1/plans/:planId/meetings': { request: f => ({ url: `/v1/plans/${f.planId}/meetings`, payload: { date: '2008-07-12', owners: ['CNWL'] } }), expect: editorsOnly(201) },
  'GET /v1/plans/:planId/meetings': { request: f => ({ url: `/v1/plans/${f.planId}/meetings` }), expect: everyone },
  'GET /v1/plans/:planId/meetings/:meetingId': { request: async (f, h) => ({ url: `/v1/plans/${f.planId}/meetings/${await cnwlMeeting(f, h)}` }), expect: everyone },
  'GET /v1/plans/:planId/meetings/:meetingId/minutes': { request: async (f, h) => ({ url: `/v1/plans/${f.planId}/meetings/${await cnwlMeeting(f, h)}/minutes` }), expect: everyone },
  'POST /v1/plans/:planId/meetings/:meetingId/close': { request: async (f, h) => ({ url: `/v1/plans/${f.planId}/meetings/${await cnwlMeeting(f, h)}/close`, payload: {} }), expect: editorsOnly(200) },
  'POST /v1/plans/:planId/actions/:actionId/rag-proposal/accept': {
    request: async (f, h) => ({ url: `/v1/plans/${f.planId}/actions/${await cnwlProposal(f, h)}/rag-proposal/accept`, payload: {} }),
    expect: editorsOnly(200),
  },
  'POST /v1/plans/:planId/actions/:actionId/rag-proposal/reject': {
    request: async (f, h) => ({ url: `/v1/plans/${f.planId}/actions/${await cnwlProposal(f, h)}/rag-proposal/reject`, payload: { reason: 'Not yet' } }),
    expect: editorsOnly(200),
  },
  'GET /v1/feed': { request: () => ({ url: '/v1/feed?live=false' }), expect: everyone },
  // A public address literal (no name to resolve); deliveries are off in the harness.
  'POST /v1/webhooks': { request: () => ({ url: '/v1/webhooks', payload: { url: 'https://93.184.215.14/hook' } }), expect: { none: 401, revoked: 401, auditor: 403, default: 201 } },
  'GET /v1/webhooks': { request: () => ({ url: '/v1/webhooks' }), expect: { none: 401, revoked: 401, auditor: 403, default: 200 } },
  // Made by the bootstrap admin: every other token's answer is 404 (a webhook is its token's own).
  'DELETE /v1/webhooks/:webhookId': { request: async (_f, h) => ({ url: `/v1/webhooks/${await bootstrapWebhook(h)}` }), expect: { none: 401, revoked: 401, auditor: 403, default: 404 } },
  'GET /v1/webhooks/:webhookId/deliveries': { request: async (_f, h) => ({ url: `/v1/webhooks/${await bootstrapWebhook(h)}/deliveries` }), expect: { none: 401, revoked: 401, auditor: 403, default: 404 } },
  'POST /v1/imports': {
    request: () => ({
      url: '/v1/imports?dryRun=true',
      payload: 'Test DAAT\nAdult drug treatment plan 2008/09\n\nPlanning grid 1: Harm reduction\n\nObjective 1\nReduce deaths\n\nAction\tBy when\tBy whom\tCosts/budget\nTrain staff\tQtr 1\tDM\t£1,000\n',
      headers: { 'content-type': 'text/plain' },
    }),
    // The document is Test DAAT's: outside both scoped commissioners' partnerships (a dry run says what the import would do).
    expect: { ...editorsOnly(200), commissionerOwn: 403, commissionerOther: 403 },
  },
}

/** A webhook of the bootstrap admin's token (made once per harness). */
let bootstrapHook: { h: Harness; id: string } | null = null
async function bootstrapWebhook(h: Harness): Promise<string> {
  if (bootstrapHook?.h !== h) bootstrapHook = { h, id: (await h.request({ method: 'POST', url: '/v1/webhooks', payload: { url: 'https://93.184.215.14/bootstrap' } })).json().id }
  return bootstrapHook.id
}

/** A meeting with CNWL in scope (the matrix's provider), created by the bootstrap admin. */
async function cnwlMeeting(f: Fixture, h: Harness): Promise<string> {
  return (await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/meetings`, payload: { date: '2008-07-12', owners: ['CNWL'] } })).json().id
}

/** The fixture's action with a RAG proposal from a CNWL provider waiting. */
async function cnwlProposal(f: Fixture, h: Harness): Promise<string> {
  const { token } = await h.token('provider', ['CNWL'])
  await h.request({ method: 'PUT', url: `/v1/plans/${f.planId}/actions/${f.actionId}/rag`, payload: { rag: 'amber' }, token })
  return f.actionId
}

t.test('role × route matrix', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const routes = listRoutes(h)
  const tokens: Record<string, string | null> = { none: null }
  for (const role of ['admin', 'commissioner', 'auditor'] as const) tokens[role] = (await h.token(role)).token
  tokens.provider = (await h.token('provider', ['cnwl'], 'CNWL system')).token
  const scoped = async (role: string, partnerships: string[]) => {
    const res = await h.request({ method: 'POST', url: '/v1/tokens', payload: { role, partnerships } })
    t.equal(res.statusCode, 201, `${role} token scoped to ${partnerships.join(', ')}`)
    return res.json().token as string
  }
  // The fixture plans are Ealing DAAT's.
  tokens.commissionerOwn = await scoped('commissioner', ['EALING daat'])
  tokens.commissionerOther = await scoped('commissioner', ['slough DAAT', 'Doncaster DAAT'])
  tokens.auditorOwn = await scoped('auditor', ['ealing DAAT'])
  tokens.auditorOther = await scoped('auditor', ['Slough DAAT'])
  const revoked = await h.token('commissioner')
  await h.request({ method: 'DELETE', url: `/v1/tokens/${revoked.id}` })
  tokens.revoked = revoked.token

  const missing = routes.filter(r => !ROWS[r])
  t.same(missing, [], 'every route has a row in the matrix')
  t.same(Object.keys(ROWS).filter(r => !routes.includes(r)), [], 'every row names a real route')

  for (const route of routes.filter(r => ROWS[r])) {
    const [method, pattern] = route.split(' ')
    for (const who of WHO) {
      const fixture = await seedPlan(h)
      const req = await ROWS[route].request(fixture, h)
      const scopedOut = who.endsWith('Other') && pattern.includes(':planId')
      const expected = ROWS[route].expect[who] ?? (scopedOut ? 404 : undefined) ?? ROWS[route].expect[BASE[who] ?? who] ?? ROWS[route].expect.default
      const res = await h.request({ method: method as 'GET', url: req.url, payload: req.payload as string, headers: req.headers, token: tokens[who] })
      t.equal(res.statusCode, expected, `${who} ${method} ${pattern} → ${expected}${res.statusCode !== expected ? ` (got ${res.body.slice(0, 200)})` : ''}`)
      if (res.statusCode >= 400) t.match(res.headers['content-type'], /application\/problem\+json/, `${who} ${method} ${pattern} answers problem+json`)
    }
  }
})

/** "METHOD /url" for every route the app serves, without HEAD mirrors and the /docs UI's own files. */
function listRoutes(h: Harness): string[] {
  return [...new Set(h.app.routeTable)].filter(r => !r.startsWith('HEAD ') && !/ \/docs/.test(r)).sort()
}
