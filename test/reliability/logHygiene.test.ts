// Log hygiene: a real server's log, at its most talkative level, after requests that carry
// tokens (good, bad, in a query string), progress notes and imported documents, succeeding and
// failing, holds none of them: only routes, statuses, token ids and timings.
import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { call, SERVER_ADMIN_TOKEN, seedPlanOverHttp, startServer } from '../support/reliabilityServer.js'

t.setTimeout(600_000)
const dir = mkdtempSync(join(tmpdir(), 'gridledger-logs-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const FIXTURE = readFileSync(new URL('../fixtures/ealing-2006-07.txt', import.meta.url), 'utf8')

async function postText(url: string, path: string, text: string, token: string) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain; charset=utf-8' }, body: text })
  return { status: res.status, text: await res.text() }
}

t.test('request logs carry no tokens, notes or document content', async t => {
  const server = await startServer({ store: `sqlite:${join(dir, 'logs.db')}`, env: { LOG_LEVEL: 'trace' } })
  t.teardown(() => server.kill())
  const secrets: Record<string, string> = { 'the admin token': SERVER_ADMIN_TOKEN }
  const minted = (await call(server.url, 'POST', '/v1/tokens', { role: 'commissioner', label: 'logs test' })).json()
  secrets['a minted token'] = minted.token
  const provider = (await call(server.url, 'POST', '/v1/tokens', { role: 'provider', owners: ['CNWL'] })).json()
  secrets['a provider token'] = provider.token
  const { planId, actionIds } = await seedPlanOverHttp(server.url, 1)

  const statuses: number[] = []
  const note = 'NOTE-MARKER-7f3a client said the naloxone kits ran out'
  const further = 'FURTHER-MARKER-91bc chase the pharmacy'
  statuses.push((await call(server.url, 'POST', `/v1/plans/${planId}/actions/${actionIds[0]}/progress`, { effectiveDate: '2008-09-30', note, furtherAction: further }, { token: minted.token })).status)
  statuses.push((await call(server.url, 'POST', `/v1/plans/${planId}/actions/${actionIds[0]}/progress`, { effectiveDate: '2008-10-01', note: 'NOTE-MARKER-provider-2c' }, { token: provider.token })).status)
  statuses.push((await call(server.url, 'POST', `/v1/plans/${planId}/actions/${actionIds[0]}/progress`, { effectiveDate: 'not a date', note: 'NOTE-MARKER-invalid-44' })).status)
  statuses.push((await call(server.url, 'POST', `/v1/plans/${planId}/actions/act_nope/progress`, { effectiveDate: '2008-09-30', note: 'NOTE-MARKER-missing-55' })).status)
  statuses.push((await call(server.url, 'PUT', `/v1/plans/${planId}/actions/${actionIds[0]}/rag`, { rag: 'red', reason: 'REASON-MARKER-66 staff shortage' })).status)
  const badJson = await fetch(`${server.url}/v1/plans/${planId}/actions/${actionIds[0]}/progress`, { method: 'POST', headers: { authorization: `Bearer ${SERVER_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{"note": "NOTE-MARKER-badjson-77", oops' })
  statuses.push(badJson.status)

  const wrong = 'wrong-token-SECRET-0123456789abcdef0123'
  secrets['a wrong token'] = wrong
  statuses.push((await call(server.url, 'GET', '/v1/plans', undefined, { token: wrong })).status)
  statuses.push((await call(server.url, 'GET', `/v1/plans?access_token=${minted.token}`, undefined, { token: null })).status)
  statuses.push((await fetch(`${server.url}/v1/plans`, { headers: { authorization: `Basic ${Buffer.from(`user:${minted.token}`).toString('base64')}` } })).status)

  const doc = FIXTURE.replace('Ealing DAAT', 'Ealing DOC-MARKER-title-88 DAAT').replace('Development of strategic local partnerships', 'DOC-MARKER-body-99 strategic partnerships')
  statuses.push((await postText(server.url, '/v1/imports?dryRun=true', doc, minted.token)).status)
  statuses.push((await postText(server.url, '/v1/imports', doc, minted.token)).status)
  statuses.push((await postText(server.url, '/v1/imports', 'DOC-MARKER-garbage-11 this is not a plan at all', minted.token)).status)
  t.same(statuses, [201, 201, 400, 404, 200, 400, 401, 401, 401, 200, 201, 400], 'each request got the answer expected, so each path was really taken')

  await server.kill('SIGTERM')
  const log = server.log()
  t.ok((log.match(/"msg":"request completed"/g) ?? []).length >= statuses.length, 'every request was logged')
  t.match(log, /"route":"\/v1\/plans\/:planId\/actions\/:actionId\/progress","method":"POST","status":201/, 'with its route and status')
  t.match(log, `"tokenId":"${minted.id}"`, 'and the token id')
  for (const [what, secret] of Object.entries(secrets)) t.notOk(log.includes(secret), `no ${what}`)
  t.notOk(/Bearer /i.test(log), 'no Authorization header at all')
  const markers = log.match(/[A-Z]+-MARKER-[\w-]+/g) ?? []
  t.same([...new Set(markers)], [], 'no note, reason or document text')
})
