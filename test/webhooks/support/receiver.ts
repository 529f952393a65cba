// A real webhook receiver for tests: an HTTP server on 127.0.0.1 that records every request
// (headers and raw body) and answers as the test says (a status, a redirect, or never).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
}

/** What to answer the n-th request (0-based): a status, `{status, headers, delayMs}`, or 'hang' (never answer). */
export type Answer = number | { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang'

export interface Receiver {
  url: string
  received: Received[]
  answer: (request: Received, n: number) => Answer
  /** Resolves once `count` requests have come (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startReceiver(answer: Receiver['answer'] = () => 204, path = '/hook'): Promise<Receiver> {
  const received: Received[] = []
  const hanging = new Set<import('node:http').ServerResponse>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const got = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      const n = received.length
      received.push(got)
      const a = receiver.answer(got, n)
      if (a === 'hang') {
        hanging.add(res)
        return
      }
      const { status, headers, delayMs } = typeof a === 'number' ? { status: a, headers: {}, delayMs: 0 } : a
      const reply = () => res.writeHead(status, headers).end(status >= 400 ? 'receiver says no' : 'ok')
      if (delayMs) setTimeout(reply, delayMs)
      else reply()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answer,
    async waitFor(count, timeoutMs = 20_000) {
      const started = Date.now()
      while (received.length < count) {
        if (Date.now() - started > timeoutMs) throw new Error(`receiver got ${received.length} of ${count} requests in ${timeoutMs} ms`)
        await new Promise(r => setTimeout(r, 10))
      }
    },
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
  return receiver
}

/** Verifies a received delivery with the Standard Webhooks library and returns its payload. */
export function verified(secret: string, got: Received): { type: string; timestamp: string; position: number; data: Record<string, unknown> } {
  return new Webhook(secret).verify(got.body, got.headers as Record<string, string>) as ReturnType<typeof verified>
}

/** Polls `probe` until it gives a value (not undefined); throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 10))
  }
}
