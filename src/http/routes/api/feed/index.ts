// GET /v1/feed: Server-Sent Events, one per history entry the caller may see, `id` its global
// position. A client resumes with Last-Event-ID (or ?after=) and misses nothing. Comments keep
// idle connections open; a client that stops reading is not buffered for without bound: the feed
// waits for it once `maxBufferBytes` are held for it (reading no further from the store), and if
// it has not read them within `stallMs` the connection is closed (it resumes later).
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
  /** Told when a connection ends (also logged). */
  onConnectionEnd?: (end: FeedConnectionEnd) => void
}

export interface FeedConnectionEnd {
  /** client: it went away; slow: it did not read its full buffer within stallMs; caught-up: live=false and all sent; lifetime: maxConnectionMs passed; error: the feed failed; closing: the server is closing. */
  reason: 'client' | 'slow' | 'caught-up' | 'lifetime' | 'error' | 'closing'
  /** Events written for this connection. */
  delivered: number
  /** The most bytes held for it at once: this stream's buffers and the socket's. */
  peakBufferedBytes: number
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
  const open = new Set<(reason: FeedConnectionEnd['reason']) => void>()
  // Open feeds would keep the server from closing: end them before it stops listening (fastify
  // closes the listening server, waiting for open connections, before running onClose hooks).
  app.addHook('preClose', async () => {
    for (const end of open) end('closing')
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
        'Comment lines (`: keep-alive`) are sent while idle. A provider receives the entries about actions one of its labels owns. ' +
        'Each `data` is a `HistoryEntry` (components/schemas/HistoryEntry). A client that stops reading is disconnected once its bounded buffer stays full; it resumes with `Last-Event-ID`.',
      headers: FeedHeaders,
      querystring: FeedQuery,
      response: { 200: { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: z.string().meta({ example: EXAMPLE }) } } } },
    },
  }, async (request, reply) => {
    const header = request.headers['last-event-id']
    const after = Number(header ?? request.query.after ?? 0)
    if (!Number.isSafeInteger(after)) return sendProblem(reply, problem(400, 'Last-Event-ID must be a feed position'))
    const stream = new PassThrough({ writableHighWaterMark: options.maxBufferBytes })
    const socket = request.raw.socket
    let closed = false
    let reason: FeedConnectionEnd['reason'] | null = null
    let delivered = 0
    let peakBufferedBytes = 0
    const end = (why: FeedConnectionEnd['reason']) => {
      reason ??= why
      stream.end()
    }
    open.add(end)
    const send = (text: string) => {
      if (stream.writableEnded || stream.destroyed) return true
      const fits = stream.write(text)
      peakBufferedBytes = Math.max(peakBufferedBytes, stream.writableLength + stream.readableLength + (socket?.writableLength ?? 0))
      return fits
    }
    const write = async (text: string) => {
      if (closed || send(text)) return
      // The client's buffer is full: wait for it, but not for ever.
      const drained = await Promise.race([once(stream, 'drain').then(() => true), new Promise<boolean>(r => setTimeout(r, options.stallMs, false).unref())])
      if (!drained && !closed) {
        reason ??= 'slow'
        stream.destroy()
      }
    }
    const subscription = ledger.feed.follow(request.principal!, after, {
      onEntry: async (at, entry) => {
        delivered++
        await write(`id: ${at}\nevent: ${entry.type}\ndata: ${JSON.stringify(entry)}\n\n`)
      },
      onCaughtUp: () => {
        if (request.query.live === 'false') end('caught-up')
      },
      onError: error => {
        request.log.warn({ err: error }, 'feed stopped')
        end('error')
      },
    })
    const lifetime = setTimeout(() => end('lifetime'), options.maxConnectionMs).unref()
    const heartbeat = setInterval(() => {
      if (stream.writableLength === 0) send(': keep-alive\n\n')
    }, options.heartbeatMs)
    const stop = () => {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      clearTimeout(lifetime)
      open.delete(end)
      void subscription.close()
      const summary: FeedConnectionEnd = { reason: reason ?? 'client', delivered, peakBufferedBytes }
      request.log[summary.reason === 'slow' ? 'warn' : 'info']({ after, tokenId: request.principal?.tokenId ?? null, ...summary }, summary.reason === 'slow' ? 'feed client too slow: closed (it may resume)' : 'feed connection ended')
      options.onConnectionEnd?.(summary)
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
