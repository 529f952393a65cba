// Everything a command route shares: If-Match → expected version, the Idempotency-Key header
// mapped to the application's idempotency service (app/idempotency.ts) and its outcome back to
// a reply, ETag on the answer. Routes only say which command to run and how to answer it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { PlanCommand } from '../../../domain/commands.js'
import type { CommandHandler, CommandOutcome } from '../../../app/commandHandler.js'
import { IDEMPOTENCY_KEY, type IdempotencyService } from '../../../app/idempotency.js'
import { problem, sendProblem } from '../../problem.js'

export interface CommandReply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface CommandSpec {
  planId: string
  /** One command, or several recorded atomically in one append. */
  commands: PlanCommand[]
  respond(outcome: CommandOutcome): CommandReply
  metadata?: Record<string, unknown>
}

declare module 'fastify' {
  interface FastifyInstance {
    runCommand(request: FastifyRequest, reply: FastifyReply, spec: CommandSpec): Promise<FastifyReply>
  }
}

/** Parses If-Match: `"5"`, `W/"5"`, `5` or `*` (any version). */
export function parseIfMatch(header: string | undefined): number | undefined | 'invalid' {
  if (header === undefined) return undefined
  const value = header.trim()
  if (value === '*') return undefined
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value)
  return m ? Number(m[1]) : 'invalid'
}

async function commands(app: FastifyInstance, options: { handler: CommandHandler; idempotency: IdempotencyService }): Promise<void> {
  function send(reply: FastifyReply, answer: CommandReply, replayed: boolean): FastifyReply {
    reply.code(answer.status)
    for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v)
    if (replayed) reply.header('Idempotent-Replayed', 'true')
    return answer.body === undefined ? reply.send() : reply.send(answer.body)
  }

  app.decorate('runCommand', async function runCommand(request: FastifyRequest, reply: FastifyReply, spec: CommandSpec): Promise<FastifyReply> {
    const principal = request.principal!
    const expected = parseIfMatch(request.headers['if-match'] as string | undefined)
    if (expected === 'invalid') {
      return sendProblem(reply, problem(400, 'If-Match must be a plan version as an entity tag, e.g. "12"', [{ path: 'If-Match', message: 'not a version tag' }]))
    }
    const withEtag = (outcome: CommandOutcome): CommandReply => {
      const answer = spec.respond(outcome)
      return { ...answer, headers: { ...(answer.headers ?? {}), ETag: `"${outcome.version}"` } }
    }
    const rawKey = request.headers['idempotency-key']
    if (rawKey === undefined) {
      const result = await options.handler.executeBatch(spec.planId, spec.commands, { principal, expectedVersion: expected, metadata: spec.metadata })
      return send(reply, withEtag(result), false)
    }
    if (typeof rawKey !== 'string' || !IDEMPOTENCY_KEY.test(rawKey)) {
      return sendProblem(reply, problem(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters', [{ path: 'Idempotency-Key', message: 'invalid' }]))
    }
    const outcome = await options.idempotency.run(
      { scope: principal.tokenId ?? 'anonymous', key: rawKey, method: request.method, url: request.url, body: request.body },
      async claim => {
        const result = await options.handler.executeBatch(spec.planId, spec.commands, {
          principal,
          expectedVersion: expected,
          metadata: spec.metadata,
          idempotency: { ...claim, respond: withEtag },
        })
        return withEtag(result)
      },
    )
    if (outcome.kind === 'reused') {
      return sendProblem(reply, problem(422, 'This Idempotency-Key was already used with a different request', [{ path: 'Idempotency-Key', message: 'reused with another body' }]))
    }
    return send(reply, outcome.answer, outcome.kind === 'replayed')
  })
}

export default fp(commands, { name: 'commands', dependencies: ['auth'] })
