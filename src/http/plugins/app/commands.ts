// Everything a command route shares: If-Match → expected version, Idempotency-Key replay and
// storage (the answer is stored in the same transaction as the events), ETag on the answer.
// Routes only say which command to run and how to answer it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { PlanCommand } from '../../../domain/commands.js'
import type { CommandHandler, CommandOutcome } from '../../../app/commandHandler.js'
import { sha256Hex } from '../../../app/ids.js'
import { canonicalJson } from '../../../store/hashChain.js'
import { IdempotencyKeyTakenError, type EventStore } from '../../../store/eventStore.js'
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

const KEY = /^[\x21-\x7e]{1,255}$/

/** Parses If-Match: `"5"`, `W/"5"`, `5` or `*` (any version). */
export function parseIfMatch(header: string | undefined): number | undefined | 'invalid' {
  if (header === undefined) return undefined
  const value = header.trim()
  if (value === '*') return undefined
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value)
  return m ? Number(m[1]) : 'invalid'
}

async function commands(app: FastifyInstance, options: { handler: CommandHandler; store: EventStore }): Promise<void> {
  const inFlight = new Map<string, Promise<unknown>>()

  function send(reply: FastifyReply, answer: CommandReply, replayed: boolean): FastifyReply {
    reply.code(answer.status)
    for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v)
    if (replayed) reply.header('Idempotent-Replayed', 'true')
    return answer.body === undefined ? reply.send() : reply.send(answer.body)
  }

  async function replay(reply: FastifyReply, key: string, fingerprint: string): Promise<FastifyReply | null> {
    const record = await options.store.findIdempotency(key)
    if (!record) return null
    if (record.fingerprint !== fingerprint) {
      return sendProblem(reply, problem(422, 'This Idempotency-Key was already used with a different request', [{ path: 'Idempotency-Key', message: 'reused with another body' }]))
    }
    return send(reply, record.response as CommandReply, true)
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
    if (typeof rawKey !== 'string' || !KEY.test(rawKey)) {
      return sendProblem(reply, problem(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters', [{ path: 'Idempotency-Key', message: 'invalid' }]))
    }
    // Keys are scoped to the caller's token, so two clients cannot collide or read each other's answers.
    const key = `${principal.tokenId ?? 'anonymous'}:${rawKey}`
    const fingerprint = sha256Hex(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
    // A repeat while the first is running waits for it, then replays its answer.
    while (inFlight.has(key)) await inFlight.get(key)!.catch(() => undefined)
    const replayed = await replay(reply, key, fingerprint)
    if (replayed) return replayed
    let answer: CommandReply | null = null
    const running = options.handler
      .executeBatch(spec.planId, spec.commands, {
        principal,
        expectedVersion: expected,
        metadata: spec.metadata,
        idempotency: { key, fingerprint, respond: outcome => withEtag(outcome) },
      })
      .then(result => (answer = withEtag(result)))
    inFlight.set(key, running)
    try {
      await running
    } catch (error) {
      if (error instanceof IdempotencyKeyTakenError) {
        // Another instance (or a lost race) stored the key first: answer as a repeat.
        const again = await replay(reply, key, fingerprint)
        if (again) return again
      }
      throw error
    } finally {
      inFlight.delete(key)
    }
    return send(reply, answer!, false)
  })
}

export default fp(commands, { name: 'commands', dependencies: ['auth'] })
