// The live feed across a kill -9 and a restart: a real server (`gridledger serve` on a SQLite
// file) streams GET /v1/feed to a provider's client (the generated client of test/client) while a
// writer records progress; the server is killed with SIGKILL mid-stream and restarted on the same
// file, then stopped with SIGTERM mid-stream and restarted again. The client resumes with
// Last-Event-ID each time and has seen every entry exactly once, every acknowledged report among
// them. The server's keep-alive interval comes from GRIDLEDGER_FEED_HEARTBEAT_MS.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clientFor, followFeed, type FeedEvent, type GridLedgerClient } from '../client/journey.js'
import { seedPlanOverHttp, SERVER_ADMIN_TOKEN, startServer, type ServerChild } from '../support/reliabilityServer.js'

t.setTimeout(10 * 60_000)

const ENV = { GRIDLEDGER_FEED_HEARTBEAT_MS: '200' }

/** Reports progress one at a time until a request gets no answer or `stop()` is called; the acknowledged notes. */
function writer(client: GridLedgerClient, planId: string, actionId: string, prefix: string) {
  const acknowledged: string[] = []
  const statuses: string[] = []
  let stopped = false
  const done = (async () => {
    for (let i = 0; !stopped; i++) {
      const note = `${prefix} ${i}`
      try {
        const { response, error } = await client.POST('/v1/plans/{planId}/actions/{actionId}/progress', {
          params: { path: { planId, actionId }, header: { 'Idempotency-Key': `${prefix}-${i}` } },
          body: { effectiveDate: '2008-06-30', note },
        })
        if (response.status === 201) acknowledged.push(note)
        else if (statuses.push(`${response.status} ${JSON.stringify(error)}`) >= 10) return
      } catch {
        return // no answer: the server is gone
      }
    }
  })()
  return {
    acknowledged,
    /** Answers other than 201 (the first ten: then it stops). */
    statuses,
    async stop() {
      stopped = true
      await done
    },
    done,
  }
}

async function until(test: () => boolean, what: () => string, ms = 60_000) {
  const deadline = Date.now() + ms
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

t.test('kill -9 and a restart while the feed streams: the client resumes with Last-Event-ID and sees every entry exactly once', async t => {
  const store = `sqlite:${join(mkdtempSync(join(tmpdir(), 'gridledger-feed-kill-')), 'feed.db')}`
  let server: ServerChild = await startServer({ store, env: ENV })
  t.teardown(() => server.kill())
  const plan = await seedPlanOverHttp(server.url)
  const actionId = plan.actionIds[0]
  const minted = await clientFor(server.url, SERVER_ADMIN_TOKEN).POST('/v1/tokens', { body: { role: 'provider', owners: ['cnwl'] } })
  const providerToken = minted.data!.token

  // Streaming while a writer records; the server stopped once both are well under way: first
  // killed (-9), then, restarted, stopped as a deployment does (SIGTERM). Each time the client
  // resumes from the last id it received.
  const seen: FeedEvent[] = []
  const acknowledged: string[] = []
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    const before = seen.length
    const w = writer(clientFor(server.url, SERVER_ADMIN_TOKEN), plan.planId, actionId, signal)
    const streaming = followFeed(clientFor(server.url, providerToken), { lastEventId: seen[seen.length - 1]?.id, onEvent: event => seen.push(event) }).then(
      () => 'ended',
      () => 'broken',
    )
    await until(() => seen.length >= before + 20 && w.acknowledged.length >= 20, () => `20 entries fed: ${seen.length - before} fed, ${w.acknowledged.length} acknowledged, ${w.statuses.join(' ')}`)
    const exit = await server.kill(signal)
    // SIGKILL breaks the stream; SIGTERM ends it (the server closes its feeds before it stops).
    t.equal(await streaming, signal === 'SIGKILL' ? 'broken' : 'ended', `${signal}: the stream ${signal === 'SIGKILL' ? 'broke' : 'ended'} with the server`)
    if (signal === 'SIGTERM') t.same(exit, { code: 0, signal: null }, 'SIGTERM: neither the open feed nor the writer\'s connection held the server past its grace period')
    await w.stop()
    acknowledged.push(...w.acknowledged)
    t.ok(seen.length >= before + 20, `${seen.length - before} entries fed before ${signal}, ${w.acknowledged.length} reports acknowledged`)
    server = await startServer({ store, env: ENV })
  }
  const seenBeforeKill = seen.length

  const second = writer(clientFor(server.url, SERVER_ADMIN_TOKEN), plan.planId, actionId, 'after')
  await until(() => second.acknowledged.length >= 10, () => `10 reports after the restart: ${second.acknowledged.length}, ${second.statuses.join(' ')}`)
  await second.stop()
  // The client resumes from the last id it received, live again, until it has the new reports.
  const provider = clientFor(server.url, providerToken)
  const lastNote = second.acknowledged[second.acknowledged.length - 1]
  await followFeed(provider, {
    lastEventId: seen[seen.length - 1].id,
    onEvent: event => seen.push(event),
    enough: () => seen.some(e => e.entry.data.note === lastNote),
  })

  const everything = await followFeed(provider, { live: false })
  t.equal(everything.ended, true)
  t.same(seen.map(e => e.id), everything.events.map(e => e.id), 'what it saw, across the kill and the restart, is every entry once, in order')
  const notes = seen.filter(e => e.type === 'ProgressReported').map(e => String(e.entry.data.note))
  t.equal(new Set(notes).size, notes.length, 'no report fed twice')
  const fed = new Set(notes)
  t.same([...acknowledged, ...second.acknowledged].filter(note => !fed.has(note)), [], 'every acknowledged report fed')
  t.ok(seen.length > seenBeforeKill + 10, `${seen.length - seenBeforeKill} entries after resuming`)

  // Idle now: the keep-alive comments come at GRIDLEDGER_FEED_HEARTBEAT_MS.
  let comments = 0
  const started = Date.now()
  await followFeed(provider, { lastEventId: everything.events[everything.events.length - 1].id, onComment: () => comments++, enough: () => comments >= 3 })
  t.ok(comments >= 3, `3 keep-alive comments in ${Date.now() - started} ms at a 200 ms interval`)
})
