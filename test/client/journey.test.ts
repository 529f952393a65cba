// A provider's journey through the generated client (journey.ts: openapi-typescript types and
// openapi-fetch) against a real listening server: what it reads, records and is fed back.
import t from 'tap'
import { seedPlan, startHarness } from '../support/harness.js'
import { followFeed, clientFor, providerJourney } from './journey.js'

t.test("a provider's system lists, reads, reports with an Idempotency-Key, proposes a RAG and follows the feed", async t => {
  const h = await startHarness({ feed: { maxConnectionMs: 60_000 } })
  // fetch may have opened a connection it never used; the server would wait for it to time out.
  t.teardown(() => {
    h.app.server.closeAllConnections()
    return h.close()
  })
  const f = await seedPlan(h)
  const theirs = (await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/objectives/${f.objectiveId}/actions`, payload: { number: '1.2', text: 'Outreach', owners: ['Turning Point'] } })).json().id
  await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${theirs}/progress`, payload: { effectiveDate: '2008-07-01', note: 'not for CNWL' } })
  const provider = await h.token('provider', ['cnwl'], 'CNWL case system')
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })

  const journey = await providerJourney(base, provider.token, 'CNWL', { effectiveDate: '2008-07-18', idempotencyKey: 'cnwl-2008-07-action-1.1' })

  t.same(journey.plans.map(p => p.id), [f.planId], 'listPlans: the plan it has an action in')
  t.equal(journey.plan.partnership, 'Ealing DAAT', 'getPlan: the plan state, typed')
  t.equal(journey.action.id, f.actionId, 'its own action found by owner label')
  t.match(journey.progress, { eventId: String, recordedAt: String, version: Number }, 'reportProgress: 201 with the event')
  t.same(journey.replay, { replayed: 'true', sameAnswer: true, status: 201 }, 'the retry with the same Idempotency-Key is the first answer again')
  const history = (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/history?limit=100` })).json().items as Array<{ type: string; actionId?: string; data: { note?: string } }>
  t.equal(history.filter(e => e.type === 'ProgressReported' && e.actionId === f.actionId).length, 1, 'and recorded nothing the second time')
  t.equal(journey.proposalStatus, 202, 'setRag from a provider is a proposal')
  t.match(journey.proposal, { actionId: f.actionId, proposedRag: { rag: 'amber', reason: 'Two posts vacant' } })

  // The feed: every entry about its action (none about another's), ids rising, its own entries once.
  const feed = journey.feed
  t.ok(feed.length >= 3, `fed ${feed.length} entries`)
  t.ok(feed.every(e => e.entry.actionId === f.actionId), 'only entries about its own action')
  t.ok(feed.every((e, i) => i === 0 || e.id > feed[i - 1].id), 'ids are rising global positions')
  t.same(feed.map(e => e.type), ['ActionAdded', 'ProgressReported', 'RagProposed'], 'the action, its report and its proposal')
  t.same(feed.map(e => e.type), feed.map(e => e.entry.type), 'the SSE event type is the entry type')
  t.match(feed[1].entry, { planId: f.planId, actor: { role: 'provider', tokenId: provider.id }, data: { note: 'July: 42 clients in structured day care' } })
  t.same(
    feed.map(e => e.entry),
    history.filter(e => e.actionId === f.actionId),
    'each entry as the plan history shows it',
  )

  // Resuming from the last id received: what a commissioner records next, and nothing it had.
  await h.request({ method: 'PUT', url: `/v1/plans/${f.planId}/actions/${f.actionId}/rag`, payload: { rag: 'amber', reason: 'Agreed at the meeting' } })
  const client = clientFor(base, provider.token)
  const resumed = await followFeed(client, { lastEventId: feed[feed.length - 1].id, live: false })
  t.equal(resumed.ended, true, 'live=false ends once caught up')
  t.same(resumed.events.map(e => e.type), ['RagSet'], 'only the entry recorded since')
  t.ok(resumed.events[0].id > feed[feed.length - 1].id)
})

t.test('the generated client sees the problems the document lists', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const stranger = clientFor(base, 'not-a-token-0123456789')
  const denied = await stranger.GET('/v1/plans')
  t.equal(denied.response.status, 401)
  t.match(denied.error, { status: 401, title: String }, 'a problem document, typed as the error')
  const other = await h.token('provider', ['Turning Point'])
  const hidden = await clientFor(base, other.token).GET('/v1/plans/{planId}', { params: { path: { planId: f.planId } } })
  t.equal(hidden.response.status, 404, "a plan it has no action in is not found")
})

t.test("a commissioner scoped to partnerships is fed only those partnerships' plans", async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const ealing = await seedPlan(h)
  const other = (await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Slough DAAT', year: '2008/09' } })).json().id
  await h.request({ method: 'POST', url: `/v1/plans/${other}/grids`, payload: { number: 1, title: 'Not Ealing' } })
  const scoped = (await h.request({ method: 'POST', url: '/v1/tokens', payload: { role: 'commissioner', partnerships: ['ealing daat'] } })).json().token as string
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const fed = await followFeed(clientFor(base, scoped), { live: false })
  t.equal(fed.ended, true)
  t.same(fed.events.map(e => e.type), ['PlanCreated', 'GridAdded', 'ObjectiveAdded', 'ActionAdded'], "every entry of Ealing's plan")
  t.ok(fed.events.every(e => e.entry.planId === ealing.planId), "none of Slough's")
})
