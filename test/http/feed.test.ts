// GET /v1/feed against a listening server: one SSE event per history entry the caller may see, `id`
// its global position; Last-Event-ID resumes without loss or duplicates across a restart on the same
// store; keep-alive comments; a client that stops reading holds a bounded buffer, is disconnected,
// and resumes with nothing lost.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createParser } from 'eventsource-parser'
import t from 'tap'
import type { FeedConnectionEnd } from '../../src/http/routes/api/feed/index.js'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'

interface SseEvent {
  id: number
  event: string
  data: { type: string; actionId?: string; planId: string; data: Record<string, unknown> }
}

/** An SSE client: events parsed as they arrive; `comments` counts keep-alive lines. */
function follow(base: string, token: string, options: { lastEventId?: number; query?: string } = {}) {
  const events: SseEvent[] = []
  let comments = 0
  let buffer = ''
  let response: IncomingMessage | null = null
  const waiters: Array<() => void> = []
  const notify = () => waiters.splice(0).forEach(w => w())
  let ended = false
  const req = httpRequest(`${base}/v1/feed${options.query ? `?${options.query}` : ''}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {}) },
  })
  const opened = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', res => {
      response = res
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          if (block.startsWith(':')) comments++
          const fields = Object.fromEntries(block.split('\n').filter(l => !l.startsWith(':')).map(l => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]))
          if (fields.id !== undefined) events.push({ id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data) })
        }
        notify()
      })
      res.on('close', () => {
        ended = true
        notify()
      })
      resolve(res)
    })
    req.on('error', error => (ended ? undefined : reject(error)))
  })
  req.end()
  return {
    events,
    opened,
    get comments() {
      return comments
    },
    get ended() {
      return ended
    },
    get response() {
      return response
    },
    /** Resolves once `test()` holds (checked on every chunk), or rejects after `ms`. */
    async until(test: () => boolean, ms = 20_000) {
      const deadline = Date.now() + ms
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`timed out with ${events.length} events`)
        await new Promise<void>(r => {
          waiters.push(r)
          setTimeout(r, 200).unref()
        })
      }
    },
    close() {
      req.destroy()
    },
  }
}

async function listen(h: Harness) {
  return h.app.listen({ port: 0, host: '127.0.0.1' })
}

const LONG = { maxConnectionMs: 60_000 }

/** The ids of every entry after `after`, read with live=false and resumed from the last event after each cut. */
async function readToEnd(base: string, token: string, after?: number): Promise<number[]> {
  const ids: number[] = []
  for (let connection = 0; connection < 100; connection++) {
    const f = follow(base, token, { lastEventId: ids.length ? ids[ids.length - 1] : after, query: 'live=false' })
    await f.until(() => f.ended, 60_000)
    if (f.events.length === 0) return ids
    ids.push(...f.events.map(e => e.id))
  }
  throw new Error(`still reading after 100 connections (${ids.length} entries)`)
}

t.test('one event per entry the caller may see, id its global position; providers see their actions', async t => {
  const h = await startHarness({ feed: LONG })
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const other = (await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/objectives/${f.objectiveId}/actions`, payload: { number: '1.2', text: 'Not theirs', owners: ['Turning Point'] } })).json().id
  const provider = await h.token('provider', ['cnwl'])
  const base = await listen(h)

  const history = (await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/history` })).json().items
  const all = follow(base, 'test-admin-token-0123456789abcdef', { query: 'live=false' })
  await all.until(() => all.ended)
  t.same(all.events.map(e => e.data), history, 'every history entry, in order')
  t.ok(all.events.every((e, i) => i === 0 || e.id > all.events[i - 1].id), 'ids increase')
  t.same(all.events.map(e => e.event), history.map((e: { type: string }) => e.type), 'event is the entry type')

  const mine = follow(base, provider.token)
  await mine.opened
  t.equal(mine.response!.headers['content-type'], 'text/event-stream; charset=utf-8')
  await mine.until(() => mine.events.length === 1)
  t.same(mine.events.map(e => [e.event, e.data.actionId]), [['ActionAdded', f.actionId]], 'only its own action so far')
  // Live: what is recorded now arrives, about its action, not about another's.
  await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${other}/progress`, payload: { effectiveDate: '2008-07-01', note: 'theirs' } })
  await h.request({ method: 'PUT', url: `/v1/plans/${f.planId}/actions/${f.actionId}/rag`, payload: { rag: 'red', reason: 'Behind' } })
  await mine.until(() => mine.events.length === 2)
  t.match(mine.events[1], { event: 'RagSet', data: { actionId: f.actionId, data: { rag: 'red' } } })
  mine.close()

  const bad = follow(base, provider.token, { lastEventId: 'x' as unknown as number })
  t.equal((await bad.opened).statusCode, 400, 'a Last-Event-ID that is not a position')
  const none = follow(base, 'no-such-token')
  t.equal((await none.opened).statusCode, 401)
})

t.test('Last-Event-ID resumes across a restart on the same store: nothing lost, nothing twice', async t => {
  const path = join(mkdtempSync(join(tmpdir(), 'gridledger-feed-')), 'feed.db')
  let h = await startHarness({ sqlitePath: path, feed: LONG })
  const f = await seedPlan(h)
  const report = (note: string) => h.request({ method: 'POST', url: `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, payload: { effectiveDate: '2008-07-01', note } })
  for (let i = 0; i < 5; i++) await report(`before ${i}`)
  let base = await listen(h)
  const first = follow(base, 'test-admin-token-0123456789abcdef')
  await first.until(() => first.events.length >= 6)
  first.close()
  const seen = first.events.slice(0, 6)
  await h.close()

  h = await startHarness({ sqlitePath: path, feed: LONG })
  t.teardown(() => h.close())
  for (let i = 0; i < 5; i++) await report(`after ${i}`)
  base = await listen(h)
  const resumed = follow(base, 'test-admin-token-0123456789abcdef', { lastEventId: seen[seen.length - 1].id, query: 'live=false' })
  await resumed.until(() => resumed.ended)
  const everything = follow(base, 'test-admin-token-0123456789abcdef', { query: 'live=false' })
  await everything.until(() => everything.ended)
  t.equal(everything.events.length, 14, 'the plan has 14 entries')
  t.same([...seen, ...resumed.events].map(e => e.id), everything.events.map(e => e.id), 'what was seen plus the resumption is exactly everything')
})

t.test('keep-alive comments while idle', async t => {
  const h = await startHarness({ feed: { ...LONG, heartbeatMs: 50, maxBufferBytes: 4096, stallMs: 300 } })
  t.teardown(() => h.close())
  await seedPlan(h)
  const base = await listen(h)
  const idle = follow(base, 'test-admin-token-0123456789abcdef')
  await idle.until(() => idle.events.length === 4 && idle.comments >= 3)
  t.pass('comments arrive while nothing is recorded')
  idle.close()

})

t.test('a client that stops reading: its buffer stays bounded, it is disconnected, and resuming gets everything', async t => {
  const BUFFER = 64 * 1024
  const ends: FeedConnectionEnd[] = []
  const h = await startHarness({ appendQuota: 0, feed: { ...LONG, maxBufferBytes: BUFFER, stallMs: 500, onConnectionEnd: end => ends.push(end) } })
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const base = await listen(h)

  // A client that reads the response head and then nothing (its socket paused, so the kernel's
  // buffers fill and then the server's).
  const received: Buffer[] = []
  const stalled = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(`${base}/v1/feed`, { headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } })
    req.on('response', res => {
      res.pause()
      resolve(res)
    })
    req.on('error', reject)
    req.end()
  })
  const closed = new Promise<void>(resolve => stalled.socket.once('close', () => resolve()))

  // Many large entries (bulk reports of 40 notes of 20,000 characters, about 0.8 MB each) until
  // the server gives up on the client; the kernel's socket buffers take a few MB first.
  const note = (i: number) => `${i} `.padEnd(20_000, 'x')
  let written = 0
  let bytes = 0
  for (let batch = 0; batch < 120 && !ends.some(e => e.reason === 'slow'); batch++) {
    const items = Array.from({ length: 40 }, (_, i) => ({ actionId: f.actionId, effectiveDate: '2008-07-18', note: note(written + i) }))
    const res = await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/progress`, payload: { items } })
    if (res.statusCode !== 201) throw new Error(`bulk progress: ${res.statusCode} ${res.body.slice(0, 200)}`)
    written += items.length
    bytes += items.length * 20_000
  }
  const deadline = Date.now() + 30_000
  while (!ends.some(e => e.reason === 'slow') && Date.now() < deadline) await new Promise(r => setTimeout(r, 100))
  const slow = ends.find(e => e.reason === 'slow')
  t.ok(slow, `the stalled connection was closed as too slow after ${written} reports (${(bytes / 1e6).toFixed(1)} MB) were recorded`)
  if (!slow) return
  // What the server held for it at most: the buffer, the stream's readable side and the socket's
  // high-water marks (16 KiB each), and the entries that crossed them (about 20 KB each).
  const bound = BUFFER + 2 * 16 * 1024 + 3 * 21_000
  t.ok(slow.peakBufferedBytes <= bound, `the server held at most ${slow.peakBufferedBytes} bytes for it (bound ${bound}) while ${(bytes / 1e6).toFixed(1)} MB were recorded`)
  t.ok(slow.delivered < written + 4, `the feed stopped reading the store for it (${slow.delivered} of ${written + 4} entries written)`)

  // The client reads what reached it before the cut, then resumes from the last complete event.
  stalled.on('data', (chunk: Buffer) => received.push(chunk))
  stalled.on('error', () => undefined)
  stalled.resume()
  await closed
  t.pass('the connection is closed')
  const ids: number[] = []
  const parser = createParser({ onEvent: event => ids.push(Number(event.id)) })
  parser.feed(Buffer.concat(received).toString('utf8'))
  t.ok(ids.length > 0 && ids.length < written + 4, `${ids.length} events reached the client before the cut`)
  // A reading client may itself be cut as slow on a busy machine (8 MB at 20 KB an entry): like
  // any client it resumes from its last event until a resumption brings nothing new.
  const resumed = await readToEnd(base, 'test-admin-token-0123456789abcdef', ids[ids.length - 1])
  const everything = await readToEnd(base, 'test-admin-token-0123456789abcdef')
  t.equal(everything.length, written + 4, 'every entry recorded')
  t.same([...ids, ...resumed], everything, 'what reached it plus the resumption is every entry, once, in order')
})
