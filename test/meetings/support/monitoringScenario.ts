// A plan and two monitoring meetings through the API, as a DAAT runs them: a first CNWL meeting
// held and closed in April, CNWL's progress and RAG proposal since, then the July meeting
// (recorded on 20 July, held on the 12th) taking decisions. Shared by the meeting API tests
// and the browser tests.
import type { Harness } from '../../support/harness.js'
import { seedPlan } from '../../support/harness.js'

export const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted" \'single\''

export async function monitoringScenario(h: Harness) {
  const ok = async (method: 'POST' | 'PUT', url: string, payload: object, token?: string) => {
    const res = await h.request({ method, url, payload, ...(token ? { token } : {}) })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  h.clock.set('2008-04-10T09:00:00.000Z')
  const { planId, objectiveId, actionId: trained } = await seedPlan(h) // "Train staff in naloxone", CNWL + DM, Qtr 2
  const addAction = async (text: string, due: string, owners: string[]) => (await ok('POST', `/v1/plans/${planId}/objectives/${objectiveId}/actions`, { text, due, owners })).id as string
  const exchange = await addAction('Open a needle exchange in Southall', 'June 2008', ['WDP'])
  const leaflets = await addAction(`Leaflets for pharmacies ${HOSTILE}`, 'July 2008', ['CNWL'])
  const cnwl = (await h.token('provider', ['cnwl'], 'CNWL system')).token
  const wdp = (await h.token('provider', ['WDP'], 'WDP system')).token

  const april = await ok('POST', `/v1/plans/${planId}/meetings`, { date: '2008-04-10', title: 'Q4 review', owners: ['CNWL'], attendees: ['Diana Lee (DAAT)'] })
  await ok('POST', `/v1/plans/${planId}/meetings/${april.id}/close`, { notes: 'Next meeting in July' })

  h.clock.set('2008-06-30T15:00:00.000Z')
  await ok('POST', `/v1/plans/${planId}/actions/${trained}/progress`, { effectiveDate: '2008-06-30', note: 'Two of six sessions run', percentComplete: 30, status: 'in_progress' }, cnwl)
  await ok('PUT', `/v1/plans/${planId}/actions/${trained}/rag`, { rag: 'amber', reason: 'Trainer off sick' }, cnwl)

  h.clock.set('2008-07-20T09:00:00.000Z')
  const july = await ok('POST', `/v1/plans/${planId}/meetings`, { date: '2008-07-12', title: 'Q1 contract monitoring', owners: ['CNWL'], attendees: ['Diana Lee (DAAT)', HOSTILE] })
  return { planId, trained, exchange, leaflets, cnwl, wdp, april: april.id as string, july: july.id as string, ok }
}
