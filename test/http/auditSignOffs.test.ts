// Sign-offs through the API: the quarter's report frozen with its signer, time and content
// hash; read back exactly as signed after later corrections; checked by integrity against a
// replay, which a forger who rewrites and re-chains the history it covers cannot pass.
import t from 'tap'
import { contentHashOf } from '../../src/projections/folds/signOffs.js'
import { publicKeyFrom, signedHeadProblem } from '../../src/app/signing/signedHead.js'
import type { SqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { rewriteHistory } from '../support/forgery.js'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'

async function ok(h: Harness, method: 'POST' | 'PUT', url: string, payload: object, token?: string) {
  const res = await h.request({ method, url, payload, ...(token ? { token } : {}) })
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res
}

t.test('a signed-off report is frozen, read back as signed, and checked by integrity', async t => {
  const h = await startHarness({ store: 'sqlite', clockStart: '2008-06-20T09:00:00.000Z' })
  let closed = false
  t.teardown(() => (closed ? undefined : h.close()))
  const { planId, actionId } = await seedPlan(h)
  await ok(h, 'POST', `/v1/plans/${planId}/actions/${actionId}/progress`, { effectiveDate: '2008-06-20', note: '12 staff trained', status: 'in_progress' })
  h.clock.set('2008-07-10T14:00:00.000Z')
  await ok(h, 'PUT', `/v1/plans/${planId}/actions/${actionId}/rag`, { rag: 'amber', effectiveDate: '2008-06-30' })

  const commissioner = await h.token('commissioner')
  const signed = await h.request({ method: 'POST', url: `/v1/plans/${planId}/signoffs`, token: commissioner.token, payload: { quarter: 1, signedBy: 'Board chair, J. Smith', note: 'Approved at the July board' } })
  t.equal(signed.statusCode, 201, signed.body)
  const signoff = signed.json()
  t.match(signoff, { id: String, quarter: 1, asOf: /^2008-07-10T14:00/, signedBy: 'Board chair, J. Smith', note: 'Approved at the July board', contentHash: /^[0-9a-f]{64}$/, reportVersion: 6, position: 7, version: 7 })
  t.equal(signed.headers.location, `/v1/plans/${planId}/signoffs/${signoff.id}`)
  t.equal(signed.headers.etag, '"7"')
  // The server signed the chain's head at the events the report was folded from.
  const serverKey = publicKeyFrom((await h.request({ method: 'GET', url: '/v1/keys', token: null })).body)
  const [sixth] = await h.store.readStream(`plan-${planId}`, { fromVersion: 6, toVersion: 6 })
  t.match(signoff.signedHead, { planId, version: 6, head: sixth.hash })
  t.equal(signedHeadProblem(signoff.signedHead, serverKey), null, 'the sign-off carries a head signed with the published key')

  // The frozen report is the report as of the sign-off's asOf, and its hash is the content hash.
  const asOfThen = (await h.request({ method: 'GET', url: `/v1/plans/${planId}/reports/quarterly?quarter=1&asOf=${signoff.asOf}` })).json()
  const one = (await h.request({ method: 'GET', url: `/v1/plans/${planId}/signoffs/${signoff.id}` })).json()
  t.same(one.report, asOfThen)
  t.equal(contentHashOf(one.report), signoff.contentHash)
  t.match(one.report.rows, [{ rag: 'amber', progressToDate: '12 staff trained' }])

  // A later correction: the fresh Q1 report shows it; the sign-off still answers what was signed.
  h.clock.set('2008-08-05T10:00:00.000Z')
  await ok(h, 'POST', `/v1/plans/${planId}/actions/${actionId}/progress`, { effectiveDate: '2008-06-29', note: '14 staff trained (corrected)', status: 'in_progress' })
  const fresh = (await h.request({ method: 'GET', url: `/v1/plans/${planId}/reports/quarterly?quarter=1` })).json()
  t.match(fresh.rows, [{ progressToDate: '14 staff trained (corrected)' }])
  t.same((await h.request({ method: 'GET', url: `/v1/plans/${planId}/signoffs/${signoff.id}` })).json().report, asOfThen)
  const list = (await h.request({ method: 'GET', url: `/v1/plans/${planId}/signoffs` })).json()
  t.same(list.items.map((s: { id: string }) => s.id), [signoff.id])
  t.notOk('report' in list.items[0], 'the listing leaves the report out')
  t.match(list.items[0], { signedAt: /^2008-07-10/, actor: { tokenId: commissioner.id, role: 'commissioner' } })
  t.match((await h.request({ method: 'GET', url: `/v1/plans/${planId}/integrity` })).json(), { ok: true, events: 8, signoffs: [{ id: signoff.id, ok: true }] })

  // Roles and refusals.
  const auditor = await h.token('auditor')
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${planId}/signoffs/${signoff.id}`, token: auditor.token })).statusCode, 200)
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${planId}/signoffs`, token: auditor.token, payload: { quarter: 1, signedBy: 'x' } })).statusCode, 403)
  const bad = await h.request({ method: 'POST', url: `/v1/plans/${planId}/signoffs`, payload: { quarter: 5, signedBy: ' ' } })
  t.equal(bad.statusCode, 400)
  t.same(bad.json().errors.map((e: { path: string }) => e.path).sort(), ['quarter', 'signedBy'])
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${planId}/signoffs/nope` })).statusCode, 404)
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/nope/signoffs`, payload: { quarter: 1, signedBy: 'x' } })).statusCode, 404)
  // A repeat under the same Idempotency-Key answers the first sign-off and records nothing.
  const key = { 'idempotency-key': 'q2-signoff' }
  const first = await h.request({ method: 'POST', url: `/v1/plans/${planId}/signoffs`, headers: key, payload: { quarter: 2, signedBy: 'Board' } })
  const again = await h.request({ method: 'POST', url: `/v1/plans/${planId}/signoffs`, headers: key, payload: { quarter: 2, signedBy: 'Board' } })
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json())

  // The forger: rewrites the progress the Q1 report shows, re-chains the whole plan and fixes the
  // catalogue's head. The chain and the head witness now agree with the forgery; the sign-off does not.
  const dbPath = (h.store as SqliteEventStore).path
  await h.close()
  closed = true
  rewriteHistory(dbPath, planId, (_v, data, type) => (type === 'ProgressReported' && data.note === '12 staff trained' ? { ...data, note: '20 staff trained' } : undefined))
  const again2 = await startHarness({ sqlitePath: dbPath, clockStart: '2008-08-06T09:00:00.000Z' })
  t.teardown(() => again2.close())
  const verdict = (await again2.request({ method: 'GET', url: `/v1/plans/${planId}/integrity` })).json()
  t.match(verdict, { ok: false, firstBadPosition: 7, detail: /no longer matches the hash signed/ })
  t.match(verdict.signoffs, [{ id: signoff.id, ok: false }, { ok: true }], 'the Q1 sign-off fails; Q2 (showing the later correction, not the forged report) still replays')
  // And what was signed is still answered as signed.
  t.match((await again2.request({ method: 'GET', url: `/v1/plans/${planId}/signoffs/${signoff.id}` })).json().report.rows, [{ progressToDate: '12 staff trained' }])
})
