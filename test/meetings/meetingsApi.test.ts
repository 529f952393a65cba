// Monitoring meetings through the API: create, agenda with since and flags, decisions carrying
// the meeting (effective on its date, recorded later), proposals accepted and rejected, close,
// roles, history and asOf reads, minutes.
import t from 'tap'
import JSZip from 'jszip'
import { startHarness } from '../support/harness.js'
import { HOSTILE, monitoringScenario } from './support/monitoringScenario.js'

t.test('a July monitoring meeting from agenda to minutes', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const s = await monitoringScenario(h)
  const { planId, trained, exchange, leaflets, cnwl, wdp } = s
  const get = (url: string, token?: string) => h.request({ method: 'GET', url, ...(token ? { token } : {}) })

  const list = (await get(`/v1/plans/${planId}/meetings`)).json()
  t.match(list.items, [
    { id: s.april, date: '2008-04-10', status: 'closed', notes: 'Next meeting in July' },
    { id: s.july, date: '2008-07-12', title: 'Q1 contract monitoring', owners: ['CNWL'], attendees: ['Diana Lee (DAAT)', HOSTILE], status: 'open', recordedAt: '2008-07-20T09:00:00.000Z', closedAt: null },
  ], 'meetings in creation order; the July one recorded on the 20th, held on the 12th')

  // The agenda: CNWL's actions in the plan's order (not WDP's exchange).
  let meeting = (await get(`/v1/plans/${planId}/meetings/${s.july}`)).json()
  t.same(meeting.agenda.map((i: { actionId: string }) => i.actionId), [trained, leaflets], 'actions in scope, ordered as the plan is')
  const [a1, a3] = meeting.agenda
  t.match(a1, { gridNumber: 1, objectiveNumber: '1', actionNumber: '1.1', action: 'Train staff in naloxone', byWhen: 'Qtr 2', byWhom: 'CNWL, DM', rag: null, proposedRag: { rag: 'amber', reason: 'Trainer off sick' }, progress: { percentComplete: 30 } })
  t.same(a1.since.map((e: { type: string }) => e.type), ['ProgressReported', 'RagProposed'], 'since: what was recorded after the April meeting closed')
  t.same(a1.flags, ['proposal'])
  t.match(a1.suggestedRag, { rag: 'red' }, '30% done with 56% of the time to 30 Sep gone on the meeting date')
  t.match(a1.suggestedRag.basis, /elapsed on 2008-07-12/)
  t.same(a3.since, [], 'the leaflets action was added before the April meeting: nothing since')
  t.same(a3.flags, ['no-update', 'due-soon'], 'due 31 July, 19 days after the meeting')
  t.same(meeting.decisions, [])

  // Decisions in the meeting.
  const progress = await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${trained}/progress`, payload: { note: 'Sessions resume in August', percentComplete: 35, meetingId: s.july } })
  t.equal(progress.statusCode, 201)
  const accepted = await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${trained}/rag-proposal/accept`, payload: { meetingId: s.july } })
  t.equal(accepted.statusCode, 200)
  t.match(accepted.json(), { actionId: trained, rag: 'amber', effectiveDate: '2008-07-12', meetingId: s.july })
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${trained}/rag-proposal/accept`, payload: { meetingId: s.july } })).statusCode, 409, 'no proposal waits any more')
  await s.ok('PUT', `/v1/plans/${planId}/actions/${trained}/rag`, { rag: 'green', reason: 'Agency trainer booked' }, cnwl)
  const noReason = await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${trained}/rag-proposal/reject`, payload: { meetingId: s.july } })
  t.equal(noReason.statusCode, 400, 'reject needs a reason')
  t.match(noReason.json().errors, [{ path: 'reason' }])
  const rejected = await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${trained}/rag-proposal/reject`, payload: { meetingId: s.july, reason: 'Not until the sessions run' } })
  t.equal(rejected.statusCode, 200)
  t.match(rejected.json(), { rejectedRag: 'green', reason: 'Not until the sessions run', effectiveDate: '2008-07-12' })
  const red = await h.request({ method: 'PUT', url: `/v1/plans/${planId}/actions/${trained}/rag`, payload: { rag: 'red', reason: 'Behind plan', meetingId: s.july, effectiveDate: '2008-07-13' } })
  t.equal(red.statusCode, 200)
  t.equal(red.json().effectiveDate, '2008-07-13', 'a given effective date wins')
  t.equal((await h.request({ method: 'PUT', url: `/v1/plans/${planId}/actions/${exchange}/rag`, payload: { rag: 'red', meetingId: 'no-such-meeting' } })).statusCode, 409, 'a meetingId must name a meeting of this plan')
  t.equal((await h.request({ method: 'PUT', url: `/v1/plans/${planId}/actions/${exchange}/rag`, payload: { rag: 'red', meetingId: s.april } })).statusCode, 409, 'a closed meeting takes no decisions')

  const state = (await get(`/v1/plans/${planId}`)).json().grids[0].objectives[0].actions[0]
  t.match(state, { rag: 'red', proposedRag: null, progress: { percentComplete: 35, effectiveDate: '2008-07-12' } })

  meeting = (await get(`/v1/plans/${planId}/meetings/${s.july}`)).json()
  t.same(meeting.decisions.map((e: { type: string }) => e.type), ['ProgressReported', 'RagSet', 'RagProposalRejected', 'RagSet'], 'one event per decision')
  t.ok(meeting.decisions.every((e: { data: { meetingId: string } }) => e.data.meetingId === s.july))
  t.same(meeting.agenda[0].since.map((e: { type: string }) => e.type), ['ProgressReported', 'RagProposed', 'RagProposed'], "the meeting's own decisions are not in since")

  // History and asOf reads show the decisions where and when they were recorded.
  const history = (await get(`/v1/plans/${planId}/history?actionId=${trained}`)).json().items
  const recorded = history.find((e: { type: string; data: { meetingId?: string } }) => e.type === 'ProgressReported' && e.data.meetingId === s.july)
  t.match(recorded, { effectiveDate: '2008-07-12', recordedAt: /^2008-07-20T/ }, 'effective on the meeting date, recorded a week later')
  const before = (await get(`/v1/plans/${planId}?asOf=${encodeURIComponent(recorded.recordedAt)}`)).json().grids[0].objectives[0].actions[0]
  t.match(before, { rag: null, proposedRag: { rag: 'amber' }, progress: { percentComplete: 35 } }, 'as of the first decision: the proposal still waits')

  // Roles.
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${planId}/meetings`, payload: { date: '2008-08-01' }, token: cnwl })).statusCode, 403, 'providers hold no meetings')
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${trained}/rag-proposal/reject`, payload: { reason: 'x' }, token: cnwl })).statusCode, 403)
  t.same((await get(`/v1/plans/${planId}/meetings`, cnwl)).json().items.map((m: { id: string }) => m.id), [s.april, s.july], 'CNWL reads the meetings that include it')
  t.equal((await get(`/v1/plans/${planId}/meetings/${s.july}`, cnwl)).statusCode, 200)
  t.same((await get(`/v1/plans/${planId}/meetings`, wdp)).json().items, [], "WDP sees the plan but not CNWL's meetings")
  t.equal((await get(`/v1/plans/${planId}/meetings/${s.july}`, wdp)).statusCode, 404)
  t.equal((await get(`/v1/plans/${planId}/meetings/${s.july}/minutes`, wdp)).statusCode, 404)
  const auditor = (await h.token('auditor')).token
  t.equal((await get(`/v1/plans/${planId}/meetings/${s.july}`, auditor)).statusCode, 200, 'auditors read everything')
  t.equal((await get(`/v1/plans/${planId}/meetings/nope`)).statusCode, 404)

  // Close: no more decisions.
  const closed = await h.request({ method: 'POST', url: `/v1/plans/${planId}/meetings/${s.july}/close`, payload: {} })
  t.equal(closed.statusCode, 200)
  t.match(closed.json(), { id: s.july, status: 'closed', date: '2008-07-12' })
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${planId}/meetings/${s.july}/close`, payload: {} })).statusCode, 409, 'closed once')
  const late = await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${leaflets}/progress`, payload: { note: 'x', meetingId: s.july } })
  t.equal(late.statusCode, 409)
  t.match(late.json().detail, /closed/)

  // Minutes.
  const minutes = (await get(`/v1/plans/${planId}/meetings/${s.july}/minutes`)).json()
  t.same(minutes.attendees, ['Diana Lee (DAAT)', HOSTILE])
  t.match(minutes.decisions, [
    { field: 'progress', before: { percentComplete: 30, effectiveDate: '2008-06-30' }, after: { percentComplete: 35, effectiveDate: '2008-07-12' } },
    { field: 'rag', before: null, after: 'amber', acceptsProposal: true },
    { field: 'proposedRag', before: 'green', after: null, reason: 'Not until the sessions run' },
    { field: 'rag', before: 'amber', after: 'red', reason: 'Behind plan' },
  ])
  t.match(minutes.notDiscussed, [{ actionId: leaflets, flags: ['no-update', 'due-soon'] }], 'the leaflets were not discussed')

  const html = await get(`/v1/plans/${planId}/meetings/${s.july}/minutes?format=html`)
  t.equal(html.statusCode, 200)
  t.match(html.headers['content-type'], /^text\/html/)
  t.match(html.headers['content-security-policy'], /default-src 'none'/)
  t.notMatch(html.body, /<script|<img|onerror=alert\(1\)>/i, 'hostile text never becomes markup')
  t.match(html.body, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/)
  t.match(html.body, /Proposed RAG accepted/)
  t.match(html.body, /Not rated[\s\S]*Amber/, 'before and after, by word')

  const docx = await get(`/v1/plans/${planId}/meetings/${s.july}/minutes?format=docx`)
  t.equal(docx.statusCode, 200)
  t.match(docx.headers['content-type'], /wordprocessingml/)
  const xml = await (await JSZip.loadAsync(docx.rawPayload)).file('word/document.xml')!.async('string')
  t.match(xml, /Diana Lee \(DAAT\)/)
  t.match(xml, /Agency trainer booked|Not until the sessions run/)
  t.match(xml, /&lt;script&gt;/, 'XML-escaped in Word too')
  t.match(xml, /Agenda items not discussed/)
})

t.test('a meeting not yet held takes no decisions; bad bodies are named', async t => {
  const h = await startHarness({ clockStart: '2008-07-20T09:00:00.000Z' })
  t.teardown(() => h.close())
  const s = await monitoringScenario(h)
  const ahead = await h.request({ method: 'POST', url: `/v1/plans/${s.planId}/meetings`, payload: { date: '2008-08-14', owners: ['WDP'] } })
  t.equal(ahead.statusCode, 201, 'created ahead of its date to prepare the agenda')
  t.match(ahead.json(), { title: 'Contract monitoring meeting', owners: ['WDP'], attendees: [], status: 'open' })
  const agenda = (await h.request({ method: 'GET', url: `/v1/plans/${s.planId}/meetings/${ahead.json().id}` })).json().agenda
  t.match(agenda, [{ actionId: s.exchange, flags: ['overdue', 'no-update'] }], 'WDP: the exchange was due in June')
  const early = await h.request({ method: 'PUT', url: `/v1/plans/${s.planId}/actions/${s.exchange}/rag`, payload: { rag: 'red', meetingId: ahead.json().id } })
  t.equal(early.statusCode, 409)
  const bad = await h.request({ method: 'POST', url: `/v1/plans/${s.planId}/meetings`, payload: { date: '2008-02-30', attendees: [''], extra: 1 } })
  t.equal(bad.statusCode, 400)
  t.equal((await h.request({ method: 'POST', url: `/v1/plans/${s.planId}/actions/${s.exchange}/progress`, payload: { note: 'no date, no meeting' } })).statusCode, 400)
})
