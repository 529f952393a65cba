// RFC 9457 problem details: the one error shape the API answers with.
import type { FastifyReply } from 'fastify'
import type { FieldError } from '../domain/errors.js'

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  errors?: FieldError[]
}

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
}

export function problem(status: number, detail: string, errors?: FieldError[], slug?: string): Problem {
  const title = TITLES[status] ?? (status >= 500 ? 'Server error' : 'Request error')
  return {
    type: `https://gridledger.dev/problems/${slug ?? title.toLowerCase().replace(/[^a-z]+/g, '-')}`,
    title,
    status,
    detail,
    ...(errors && errors.length ? { errors } : {}),
  }
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json; charset=utf-8').send(p)
}
