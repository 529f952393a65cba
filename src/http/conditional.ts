// Conditional reads (API.md "Reads"): an ETag on the answer, and 304 Not Modified when the
// client's If-None-Match already names it. If-None-Match compares weakly (RFC 9110 §13.1.2):
// `W/"7"` and `"7"` match.
import type { FastifyReply, FastifyRequest } from 'fastify'

function opaque(tag: string): string {
  const trimmed = tag.trim()
  return trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed
}

/** True when the request's If-None-Match names `etag` (or is `*`). */
export function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match']
  if (!header) return false
  if (header.trim() === '*') return true
  const mine = opaque(etag)
  return header.split(',').some(tag => opaque(tag) === mine)
}

/** Sets the ETag, and sends 304 Not Modified (returning true) when the client holds that answer already. */
export function answeredNotModified(request: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  reply.header('ETag', etag)
  if (!notModified(request, etag)) return false
  void reply.code(304).send()
  return true
}

/**
 * Sends 304 when the client holds `etag` already, else `body`: JSON text or its UTF-8 bytes sent
 * as they are (the fold's own key order, which the contract lists), or a value for the route's
 * serialiser. Bytes are sent without fastify measuring a string's encoded length each time.
 */
export function sendConditional(request: FastifyRequest, reply: FastifyReply, etag: string, body: () => unknown): FastifyReply {
  if (answeredNotModified(request, reply, etag)) return reply
  const payload = body()
  return typeof payload === 'string' || Buffer.isBuffer(payload) ? reply.type('application/json; charset=utf-8').send(payload) : reply.send(payload)
}

/**
 * Sends a read's answer as JSON text, serialised once by JSON.stringify in the order the read
 * built it: the route's zod schema documents the answer (OpenAPI) but is not run over it again.
 */
export function sendJsonText(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body))
}
