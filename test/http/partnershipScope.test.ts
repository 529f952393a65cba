// Partnership scoping (API.md): commissioner and auditor tokens with `partnerships` see and
// change only those partnerships' plans (others the same 404 as a plan that does not exist),
// matched case-insensitively, and may not create or import a plan of another partnership (403).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'

function mint(h: Harness, role: string, partnerships: string[], extra: object = {}) {
  return h.request({ method: 'POST', url: '/v1/tokens', payload: { role, partnerships, ...extra } })
}

async function scopedToken(h: Harness, role: string, partnerships: string[]): Promise<string> {
  const res = await mint(h, role, partnerships)
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().token as string
}

const document = (partnership: string) =>
  `${partnership}\nAdult drug treatment plan 2008/09\n\nPlanning grid 1: Harm reduction\n\nObjective 1\nReduce deaths\n\nAction\tBy when\tBy whom\tCosts/budget\nTrain staff\tQtr 1\tDM\t£1,000\n`

t.test('minting: commissioner and auditor tokens take partnerships; others do not', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const c = await mint(h, 'commissioner', [' Ealing  DAAT ', 'ealing daat', 'Slough DAAT'])
  t.equal(c.statusCode, 201)
  t.same(c.json().partnerships, ['Ealing DAAT', 'Slough DAAT'], 'tidied, case-insensitive repeats dropped')
  t.equal((await mint(h, 'auditor', ['Ealing DAAT'])).statusCode, 201)
  t.same((await h.request({ method: 'POST', url: '/v1/tokens', payload: { role: 'auditor' } })).json().partnerships, [], 'unscoped: none')
  for (const role of ['provider', 'admin']) {
    const res = await mint(h, role, ['Ealing DAAT'], role === 'provider' ? { owners: ['CNWL'] } : {})
    t.equal(res.statusCode, 400, `${role}: 400`)
    t.match(res.json(), { errors: [{ path: 'partnerships' }] })
  }
  t.equal((await mint(h, 'commissioner', [''])).statusCode, 400, 'a blank partnership is refused')
  t.equal((await mint(h, 'commissioner', Array.from({ length: 101 }, (_, i) => `P${i}`))).statusCode, 400, 'at most 100 partnerships')
})

t.test('a scoped token lists, reads, changes and exports only its partnerships’ plans', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const ealing = await seedPlan(h) // Ealing DAAT
  const slough = (await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Slough DAAT', year: '2009/10' } })).json()
  const token = await scopedToken(h, 'commissioner', ['EALING daat'])
  const auditor = await scopedToken(h, 'auditor', ['slough daat'])
  const missing = '00000000-0000-4000-8000-000000000000'
  const get = (url: string, as: string) => h.request({ method: 'GET', url, token: as })

  const listed = (await get('/v1/plans', token)).json().items.map((p: { id: string }) => p.id)
  t.same(listed, [ealing.planId], 'the list holds only its partnership’s plans')
  t.same((await get('/v1/plans', auditor)).json().items.map((p: { id: string }) => p.id), [slough.id], 'and the auditor’s')

  t.equal((await get(`/v1/plans/${ealing.planId}`, token)).statusCode, 200)
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${ealing.planId}/grids`, payload: { number: 5, title: 'Housing' }, token })).statusCode, 201, 'changes its own')
  const other = await get(`/v1/plans/${slough.id}`, token)
  const absent = await get(`/v1/plans/${missing}`, token)
  t.equal(other.statusCode, 404, 'another partnership’s plan is 404')
  t.same({ ...other.json(), detail: undefined, instance: undefined }, { ...absent.json(), detail: undefined, instance: undefined }, 'the same problem as a plan that does not exist')
  t.equal(other.json().detail, `plan ${slough.id} does not exist`)

  // Changes: refused, nothing recorded.
  for (const [method, url, payload] of [
    ['POST', `/v1/plans/${slough.id}/grids`, { number: 5, title: 'Housing' }],
    ['POST', `/v1/plans/${ealing.planId}/grids`, { number: 6, title: 'Families' }],
  ] as const) {
    const res = await h.request({ method, url, payload, token: auditor })
    t.equal(res.statusCode, url.includes(slough.id) ? 403 : 404, `scoped auditor ${method} ${url}: its own plan is a role refusal, another's is 404`)
  }
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${slough.id}/grids`, payload: { number: 5, title: 'Housing' }, token })).statusCode, 404, 'cannot change another’s plan')
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${ealing.planId}/actions/${ealing.actionId}/progress`, payload: { note: 'x', effectiveDate: '2008-06-01' }, token: auditor })).statusCode, 404)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${slough.id}` })).json().grids.length, 0, 'Slough’s plan was not changed')

  // Exports and the audit trail.
  for (const url of [
    `/v1/plans/${slough.id}/reports/quarterly?quarter=1&format=csv`,
    `/v1/plans/${slough.id}/reports/quarterly?quarter=1&format=xlsx`,
    `/v1/plans/${slough.id}/history?format=csv`,
    `/v1/plans/${slough.id}/integrity`,
  ]) {
    t.equal((await get(url, token)).statusCode, 404, `commissioner scoped to Ealing: ${url} is 404`)
  }
  t.equal((await get(`/v1/plans/${ealing.planId}/reports/quarterly?quarter=1&format=csv`, token)).statusCode, 200, 'exports its own')
  t.equal((await get(`/v1/plans/${ealing.planId}/history?format=csv`, auditor)).statusCode, 404, 'the scoped auditor cannot export Ealing’s history')
  t.equal((await get(`/v1/plans/${slough.id}/integrity`, auditor)).statusCode, 200)
})

t.test('a scoped token may not create or import a plan of another partnership', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const token = await scopedToken(h, 'commissioner', ['EALING daat'])
  const plans = async () => (await h.request({ method: 'GET', url: '/v1/plans' })).json().items.length as number

  t.equal((await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'ealing  DAAT', year: '2010/11' }, token })).statusCode, 201, 'creates a plan for its partnership (any case)')
  const refused = await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Doncaster DAAT', year: '2010/11' }, token })
  t.equal(refused.statusCode, 403, 'not for another')
  t.match(refused.headers['content-type'], /application\/problem\+json/)
  t.match(refused.json().detail, /scoped to EALING daat.*Doncaster DAAT/, 'the problem names the scope and the partnership')

  const importAs = (body: string, as?: string, dryRun = false) =>
    h.request({ method: 'POST', url: `/v1/imports${dryRun ? '?dryRun=true' : ''}`, payload: body, headers: { 'content-type': 'text/plain' }, ...(as ? { token: as } : {}) })
  t.equal((await importAs(document('Doncaster DAAT'), token, true)).statusCode, 403, 'a dry run of another partnership’s document is refused')
  const imported = await importAs(document('Doncaster DAAT'), token)
  t.equal(imported.statusCode, 403, `importing another partnership’s document is refused (${imported.body.slice(0, 120)})`)
  t.equal(await plans(), 1, 'nothing was recorded for Doncaster')

  // The same document imported by an unscoped commissioner: the scoped token learns nothing of it (403, not 409).
  t.equal((await importAs(document('Doncaster DAAT'))).statusCode, 201)
  const again = await importAs(document('Doncaster DAAT'), token)
  t.equal(again.statusCode, 403, 'a duplicate of another partnership’s import is 403, not 409 naming the plan')
  t.notMatch(again.body, /planId/)

  t.equal((await importAs(document('Ealing DAAT'), token)).statusCode, 201, 'its own partnership’s document imports')
  const seed = readFileSync('test/fixtures/ealing-2006-07.txt', 'utf8')
  t.equal((await importAs(seed, token, true)).statusCode, 200, 'a real Ealing plan document passes a dry run')
})
