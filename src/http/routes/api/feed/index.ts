// GET /v1/feed: Server-Sent Events, one per history entry the caller may see, `id` its global
// position. A client resumes with Last-Event-ID (or ?after=) and misses nothing. Comments keep
// idle connections open; a client that stops reading is not buffered for without bound: once
// its buffer is full and stays full for `stallMs`, the connection is closed (it resumes later).
import { PassThrough } from 'node:stream'
import { once } from 'node:events'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { GridLedger } from '../../../../app/gridledger.js'
import { problem, sendProblem } from '../../../problem.js'
import { EVERYONE } from '../../roles.js'

export interface FeedOptions {
  /** Milliseconds between keep-alive comments. */
  heartbeatMs: number
  /** Bytes buffered for one client before waiting for it to read. */
  maxBufferBytes: number
  /** How long a full buffer may wait for the client before the connection is closed. */
  stallMs: number
  /** A connection is ended after this long (the client resumes), so none lives for ever behind a proxy. */
  maxConnectionMs: number
}

export const DEFAULT_FEED_OPTIONS: FeedOptions = { heartbeatMs: 15_000, maxBufferBytes: 256 * 1024, stallMs: 30_000, maxConnectionMs: 30 * 60_000 }

const position = z.string().regex(/^\d{1,15}$/, 'must be a feed position (the id of an event received)')
const FeedHeaders = z.object({ 'last-event-id': position.optional().meta({ description: 'Resume after this event (the `id` of the last event received)' }) })
const FeedQuery = z.strictObject({
  after: position.optional().meta({ description: 'Start after this position when no Last-Event-ID is sent; default 0 (from the beginning)' }),
  live: z.enum(['true', 'false']).optional().meta({ description: 'false: end the stream once everything recorded so far is sent (default true: stay open)' }),
})

const EXAMPLE = 'id: 42\nevent: ProgressReported\ndata: {"position":7,"type":"ProgressReported","recordedAt":"2008-07-12T09:30:00.000Z",…}\n\n'

export default async function feedRoutes(fastify: FastifyInstance, { ledger, options = DEFAULT_FEED_OPTIONS }: { ledger: GridLedger; options?: FeedOptions }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const open = new Set<PassThrough>()
  // Open feeds would keep the server from closing: end them first.
  app.addHook('onClose', async () => {
    for (const stream of open) stream.end()
  })

  app.get('/v1/feed', {
    config: { roles: EVERYONE },
    schema: {
      tags: ['feed'],
      operationId: 'followFeed',
      summary: 'Follow every history entry you may see, live (Server-Sent Events)',
      description:
        'One event per history entry: `id` is its global position, `event` its type, `data` the history entry as JSON. ' +
        'Send `Last-Event-ID` (browsers do on reconnecting) to resume after the last one received: nothing is lost or repeated, across server restarts. ' +
        'Comment lines (`: keep-alive`) are sent while idle. A provider receives the entries about actions one of its labels owns.',
      headers: FeedHeaders,
      querystring: FeedQuery,
      response: { 200: { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: z.string().meta({ example: EXAMPLE }) } } } },
    },
  }, async (request, reply) => {
    const header = request.headers['last-event-id']
    const after = Number(header ?? request.query.after ?? 0)
    if (!Number.isSafeInteger(after)) return sendProblem(reply, problem(400, 'Last-Event-ID must be a feed position'))
    const stream = new PassThrough({ writableHighWaterMark: options.maxBufferBytes })
    open.add(stream)
    let closed = false
    const write = async (text: string) => {
      if (closed || stream.write(text)) return
      // The client's buffer is full: wait for it, but not for ever.
      const drained = await Promise.race([once(stream, 'drain').then(() => true), new Promise<boolean>(r => setTimeout(r, options.stallMs, false).unref())])
      if (!drained && !closed) {
        request.log.info({ after, tokenId: request.principal?.tokenId ?? null }, 'feed client too slow: closed (it may resume)')
        stream.destroy()
      }
    }
    const subscription = ledger.feed.follow(request.principal!, after, {
      onEntry: (at, entry) => write(`id: ${at}\nevent: ${entry.type}\ndata: ${JSON.stringify(entry)}\n\n`),
      onCaughtUp: () => {
        if (request.query.live === 'false') stream.end()
      },
      onError: error => {
        request.log.warn({ err: error }, 'feed stopped')
        stream.end()
      },
    })
    const lifetime = setTimeout(() => stream.end(), options.maxConnectionMs).unref()
    const heartbeat = setInterval(() => {
      if (stream.writableLength === 0) stream.write(': keep-alive\n\n')
    }, options.heartbeatMs)
    const stop = () => {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      clearTimeout(lifetime)
      open.delete(stream)
      void subscription.close()
    }
    stream.on('close', stop)
    request.raw.on('close', () => {
      stop()
      stream.destroy()
    })
    stream.write('retry: 2000\n\n')
    return reply.type('text/event-stream; charset=utf-8').header('Cache-Control', 'private, no-cache').header('X-Accel-Buffering', 'no').send(stream as unknown as string)
  })
}
