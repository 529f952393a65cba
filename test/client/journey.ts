// A provider's case-management system, written as its developer would write it: types generated
// from /openapi.json (openapi.d.ts), calls through openapi-fetch, the feed read with
// eventsource-parser. It imports nothing from gridledger's source, only the generated types, so
// `npm run typecheck` fails here when the document changes under a provider's client.
import createClient, { type Client } from 'openapi-fetch'
import { EventSourceParserStream } from 'eventsource-parser/stream'
import type { components, paths } from './openapi.js'

export type GridLedgerClient = Client<paths>
export type PlanState = components['schemas']['PlanState']
export type Action = components['schemas']['Action']
export type HistoryEntry = components['schemas']['HistoryEntry']

/** One Server-Sent Event of GET /v1/feed: `id` is the entry's global position. */
export interface FeedEvent {
  id: number
  type: string
  entry: HistoryEntry
}

export function clientFor(baseUrl: string, token: string): GridLedgerClient {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } })
}

/** The data of an answer, or an error naming the problem the server sent. */
function ok<T>(what: string, answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) throw new Error(`${what}: ${answer.response.status} ${JSON.stringify(answer.error)}`)
  return answer.data
}

/** The actions of a plan that one of these owner labels owns. */
export function actionsOwnedBy(plan: PlanState, label: string): Action[] {
  const mine = label.toLowerCase()
  return plan.grids.flatMap(grid => grid.objectives.flatMap(objective => objective.actions)).filter(action => action.owners.some(owner => owner.toLowerCase() === mine))
}

/**
 * Follows GET /v1/feed from after `lastEventId` (all of it when absent) until `enough(events)`
 * holds or the server ends the stream (it throws when the connection breaks); resume by passing
 * the last event's id.
 */
export async function followFeed(
  client: GridLedgerClient,
  options: {
    lastEventId?: number
    live?: boolean
    enough?: (events: FeedEvent[]) => boolean
    /** Each event as it arrives (kept by the caller when the connection breaks). */
    onEvent?: (event: FeedEvent) => void
    /** Each comment line (the server's keep-alives). */
    onComment?: (comment: string) => void
    signal?: AbortSignal
  } = {},
): Promise<{ events: FeedEvent[]; ended: boolean }> {
  const stop = new AbortController()
  options.signal?.addEventListener('abort', () => stop.abort(options.signal?.reason))
  const { response, error } = await client.GET('/v1/feed', {
    params: {
      header: options.lastEventId === undefined ? {} : { 'last-event-id': String(options.lastEventId) },
      query: options.live === false ? { live: 'false' } : {},
    },
    parseAs: 'stream',
    signal: stop.signal,
  })
  if (!response.ok || !response.body) throw new Error(`followFeed: ${response.status} ${JSON.stringify(error)}`)
  const events: FeedEvent[] = []
  let enough = false
  // Checked after every event and comment, so an idle feed's keep-alives can end the wait too.
  const check = () => {
    if (!enough && options.enough?.(events)) {
      enough = true
      stop.abort()
    }
  }
  const onComment = (comment: string) => {
    options.onComment?.(comment)
    check()
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream({ onComment })).getReader()
  try {
    for (;;) {
      check()
      if (enough) return { events, ended: false }
      const next = await reader.read().catch((error: unknown) => {
        if (enough) return { done: true as const, value: undefined }
        throw error
      })
      if (enough) return { events, ended: false }
      if (next.done) return { events, ended: true }
      const value = next.value
      if (value.id === undefined) continue
      const event: FeedEvent = { id: Number(value.id), type: value.event ?? 'message', entry: JSON.parse(value.data) as HistoryEntry }
      events.push(event)
      options.onEvent?.(event)
    }
  } finally {
    stop.abort()
    await reader.cancel().catch(() => undefined)
  }
}

export interface JourneyRecord {
  plans: components['schemas']['PlanSummary'][]
  plan: PlanState
  action: Action
  progress: components['schemas']['ProgressRecorded']
  replay: { replayed: string | null; sameAnswer: boolean; status: number }
  proposal: components['schemas']['RagProposed']
  proposalStatus: number
  feed: FeedEvent[]
}

/**
 * A provider's monthly round: list its plans, read one, report progress on an action it owns
 * (with an Idempotency-Key, sent twice as a retry would), propose a RAG, and follow the feed
 * until its own two entries arrive.
 */
export async function providerJourney(baseUrl: string, token: string, label: string, round: { effectiveDate: string; idempotencyKey: string }): Promise<JourneyRecord> {
  const client = clientFor(baseUrl, token)
  const plans = ok('listPlans', await client.GET('/v1/plans')).items
  const planId = plans[0].id
  const plan = ok('getPlan', await client.GET('/v1/plans/{planId}', { params: { path: { planId } } }))
  const action = actionsOwnedBy(plan, label)[0]
  const path = { planId, actionId: action.id }

  const report = () =>
    client.POST('/v1/plans/{planId}/actions/{actionId}/progress', {
      params: { path, header: { 'Idempotency-Key': round.idempotencyKey } },
      body: { effectiveDate: round.effectiveDate, note: 'July: 42 clients in structured day care', percentComplete: 40 },
    })
  const progress = ok('reportProgress', await report())
  const again = await report()
  const replay = { replayed: again.response.headers.get('Idempotent-Replayed'), sameAnswer: JSON.stringify(again.data) === JSON.stringify(progress), status: again.response.status }

  const rag = await client.PUT('/v1/plans/{planId}/actions/{actionId}/rag', { params: { path }, body: { rag: 'amber', reason: 'Two posts vacant' } })
  const answer = ok('setRag', rag)
  // From a provider the RAG is a proposal (202); a commissioner's would be set (200).
  if (!('proposedRag' in answer)) throw new Error(`setRag: expected a proposal, got ${rag.response.status}`)

  const { events } = await followFeed(client, {
    enough: seen => seen.some(e => e.type === 'ProgressReported' && e.entry.actionId === action.id) && seen.some(e => e.type === 'RagProposed' && e.entry.actionId === action.id),
  })
  return { plans, plan, action, progress, replay, proposal: answer, proposalStatus: rag.response.status, feed: events }
}
