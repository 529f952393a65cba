// A real gridledger (domain, store, projections, HTTP) on an in-memory or SQLite store, with a
// controllable clock, for tests through fastify's inject().
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryBackend, sqliteBackend } from '../../src/app/backends.js'
import { assembleGridLedger, type GridLedger } from '../../src/app/gridledger.js'
import { buildApp } from '../../src/http/app.js'
import { openSigner } from '../../src/app/signing/signingKey.js'
import type { FeedOptions } from '../../src/http/routes/api/feed/index.js'
import type { WebhookDeliveryOptions } from '../../src/app/webhooks/dispatcher.js'
import type { EventStore } from '../../src/store/eventStore.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { checkAnswers } from './openApiCheck.js'

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'

/** A clock that starts at `start` and moves on by one millisecond per reading. */
export function steppingClock(start = '2008-07-20T09:00:00.000Z') {
  let t = Date.parse(start)
  const clock = () => new Date(t++)
  return Object.assign(clock, {
    set(iso: string) {
      t = Date.parse(iso)
    },
  })
}

export interface Harness {
  app: FastifyInstance
  ledger: GridLedger
  store: EventStore
  clock: ReturnType<typeof steppingClock>
  request(options: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>
  /** Mints a token through the API (as the bootstrap admin). */
  token(role: string, owners?: string[], label?: string): Promise<{ id: string; token: string }>
  close(): Promise<void>
}

export async function startHarness(
  options: { store?: 'memory' | 'sqlite'; sqlitePath?: string; rateLimit?: number; clockStart?: string; eventStore?: EventStore; appendQuota?: number; signingKey?: string; feed?: Partial<FeedOptions>; webhooks?: WebhookDeliveryOptions & { deliver?: boolean } } = {},
): Promise<Harness> {
  const sqlitePath = options.sqlitePath ?? (options.store === 'sqlite' ? join(mkdtempSync(join(tmpdir(), 'gridledger-')), 'test.db') : null)
  // An already opened store (e.g. a wrapped memory store, or EventStoreDB on its stand-in) when given: read models in memory.
  const backend = options.eventStore
    ? memoryBackend(options.eventStore)
    : sqlitePath
      ? sqliteBackend(openSqliteEventStore(sqlitePath))
      : memoryBackend(createMemoryEventStore())
  const store = backend.store
  const clock = steppingClock(options.clockStart)
  const signingKey = options.signingKey
  const ledger = await assembleGridLedger(backend, {
    clock,
    adminToken: ADMIN_TOKEN,
    ...(options.appendQuota !== undefined ? { appendQuota: options.appendQuota } : {}),
    ...(signingKey ? { signer: () => openSigner({ keyPath: signingKey }) } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks, deliverWebhooks: options.webhooks.deliver ?? true } : {}),
  })
  // Injected feed requests (the generated-request suites reach GET /v1/feed too) end within 100 ms unless a test says otherwise.
  const app = await buildApp(ledger, { rateLimit: options.rateLimit ?? 0, feed: { maxConnectionMs: 100, ...options.feed } })
  // Every answer is checked against the OpenAPI document: a request that got one it does not describe throws.
  const answers = checkAnswers(app)
  const request: Harness['request'] = async ({ token = ADMIN_TOKEN, headers, ...rest }) => {
    const response = await app.inject({ ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers ?? {}) } })
    answers.assertClean()
    return response
  }
  return {
    app,
    ledger,
    store,
    clock,
    request,
    async token(role, owners, label) {
      const res = await request({ method: 'POST', url: '/v1/tokens', payload: { role: role as string, ...(owners ? { owners } : {}), ...(label ? { label } : {}) } })
      if (res.statusCode !== 201) throw new Error(`token create failed: ${res.statusCode} ${res.body}`)
      return res.json()
    },
    async close() {
      await app.close()
      await ledger.close()
      answers.assertClean()
    },
  }
}

/** A small plan through the API: one grid, one objective, one action owned by CNWL. */
export async function seedPlan(h: Harness, token = ADMIN_TOKEN) {
  const post = async (url: string, payload: object) => {
    const res = await h.request({ method: 'POST', url, payload, token })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const plan = await post('/v1/plans', { partnership: 'Ealing DAAT', year: '2008/09' })
  const grid = await post(`/v1/plans/${plan.id}/grids`, { number: 1, title: 'Harm reduction' })
  const objective = await post(`/v1/plans/${plan.id}/grids/${grid.id}/objectives`, { number: '1', text: 'Reduce drug related deaths', outcomes: ['Fewer deaths'] })
  const action = await post(`/v1/plans/${plan.id}/objectives/${objective.id}/actions`, {
    number: '1.1',
    text: 'Train staff in naloxone',
    due: 'Qtr 2',
    owners: ['CNWL', 'DM'],
    cost: '£4,400',
  })
  return { planId: plan.id as string, gridId: grid.id as string, objectiveId: objective.id as string, actionId: action.id as string }
}
