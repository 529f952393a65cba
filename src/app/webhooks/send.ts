// One webhook request: POST the signed body to the URL through the SSRF guard, within a time
// limit, following no redirect (a 3xx is a failed delivery), reading at most a few KiB of the
// answer (kept for the delivery log) before closing the connection.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP } from 'node:net'
import { checkedAddresses, checkUrlForm, guardedLookup, RefusedAddressError, type AddressPolicy } from './addressGuard.js'

/** Bytes of a receiver's answer kept; the rest is never read. */
export const MAX_RESPONSE_BYTES = 4096

export interface SendResult {
  /** The HTTP status, or null when no answer came (refused address, connection error, timeout). */
  status: number | null
  /** Why it failed, for the delivery log; null on a 2xx. */
  error: string | null
  /** The start of the answer's body (at most MAX_RESPONSE_BYTES, as text). */
  body: string
  durationMs: number
}

export interface SendOptions {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
  policy: AddressPolicy
}

export async function send({ url, headers, body, timeoutMs, policy }: SendOptions): Promise<SendResult> {
  const started = performance.now()
  const done = (status: number | null, error: string | null, text = ''): SendResult => ({ status, error, body: text, durationMs: Math.round(performance.now() - started) })
  let target: URL
  try {
    target = checkUrlForm(url, policy)
    // A literal address is never looked up, so it is checked here.
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1')
    if (isIP(host)) await checkedAddresses(host, policy)
  } catch (error) {
    if (error instanceof RefusedAddressError) return done(null, `refused: ${error.message}`)
    throw error
  }
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<SendResult>(resolve => {
    let settled = false
    const finish = (result: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      resolve(result)
    }
    const req = request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'gridledger-webhooks', ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(policy),
      agent: false,
    })
    const timer = setTimeout(() => finish(done(null, `timed out after ${timeoutMs} ms`)), timeoutMs)
    req.on('error', (error: NodeJS.ErrnoException) => finish(done(null, error.code === 'EWEBHOOKREFUSED' ? `refused: ${error.message}` : `${error.code ?? 'error'}: ${error.message}`)))
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0
      const chunks: Buffer[] = []
      let size = 0
      const end = () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES)
        const ok = status >= 200 && status < 300
        finish(done(status, ok ? null : status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`, text))
      }
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size))
        size += chunk.length
        // Enough read: the status is what counts; the rest is never buffered.
        if (size >= MAX_RESPONSE_BYTES) end()
      })
      res.on('end', end)
      res.on('error', end)
    })
    req.end(body)
  })
}
