import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { problem } from '../../problem.js'

// Load shedding: when the event loop lags or the heap fills past its limit, a request is answered
// 503 with Retry-After at once, before authentication or any work, instead of joining a queue that
// grows without bound and makes every answer late. Liveness (/health) and metrics are exempt
// (config.shedding: false); /ready answers 503 like everything else, so a load balancer steers away.

export interface LoadSheddingOptions {
  /** Largest event-loop delay in ms before shedding; 0 turns the check off. */
  maxEventLoopDelayMs: number
  /** Largest V8 heap in use, in bytes, before shedding; 0 turns the check off. */
  maxHeapUsedBytes: number
  /** Seconds a shed client is told to wait. */
  retryAfterSeconds: number
  /** How often the loop delay and memory are sampled (ms). */
  sampleIntervalMs?: number
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route is answered even under pressure. */
    shedding?: boolean
  }
}

const REASONS: Record<string, string> = {
  eventLoopDelay: 'the server is overloaded (event loop delay',
  heapUsedBytes: 'the server is short of memory (heap in use',
  rssBytes: 'the server is short of memory (resident memory',
  eventLoopUtilization: 'the server is overloaded (event loop utilisation',
}

export async function registerUnderPressure(app: FastifyInstance, options: LoadSheddingOptions): Promise<void> {
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxHeapUsedBytes: options.maxHeapUsedBytes,
    retryAfter: options.retryAfterSeconds,
    sampleInterval: options.sampleIntervalMs ?? 250,
    // What a handler returns (other than nothing) is sent as the answer; the plugin's types say void.
    pressureHandler: ((request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => {
      if (request.routeOptions.config.shedding === false) return undefined
      const measured = value === undefined ? '' : type.endsWith('Bytes') ? ` ${Math.round(value / 1048576)} MiB)` : type === 'eventLoopDelay' ? ` ${Math.round(value)} ms)` : ` ${value.toFixed(2)})`
      reply.code(503).header('Retry-After', String(options.retryAfterSeconds)).type('application/problem+json; charset=utf-8')
      return problem(503, `${REASONS[type] ?? 'the server is under pressure ('}${measured || ')'}; retry after ${options.retryAfterSeconds} s`, undefined, 'overloaded')
    }) as unknown as (request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => void,
  })
}
