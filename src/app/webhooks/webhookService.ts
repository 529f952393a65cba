// Webhook subscriptions as the API sees them: made, listed and deleted by the token that owns
// them, with their delivery logs. Deliveries themselves are the dispatcher's (dispatcher.ts).
import type { Principal } from '../../domain/actor.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { isPlanEventType } from '../../domain/events.js'
import { PLAN_REPORTERS, type Role } from '../../domain/roles.js'
import type { ReadModelStore } from '../../projections/storage/readModelStore.js'
import type { EventStore } from '../../store/eventStore.js'
import type { Clock } from '../clock.js'
import { newId } from '../ids.js'
import { checkWebhookUrl, RefusedAddressError, type AddressPolicy } from './addressGuard.js'
import { ownerOf, webhookLogStream, WEBHOOKS_STREAM, type DeliveryAttempt, type WebhookRecord } from './registry.js'
import { newWebhookSecret } from './signature.js'

/** Roles that may subscribe: those who record on plans (an auditor reads history instead). */
export const WEBHOOK_OWNERS: readonly Role[] = PLAN_REPORTERS

/** Subscriptions one token may keep. */
export const MAX_WEBHOOKS_PER_TOKEN = 20

export const DELIVERIES_DEFAULT_LIMIT = 100
export const DELIVERIES_MAX_LIMIT = 1000

export interface WebhookView {
  id: string
  url: string
  types: string[]
  createdAt: string
  /** Why and when deliveries were stopped; null while active. */
  disabled: { at: string; reason: string } | null
}

export interface CreatedWebhook extends WebhookView {
  /** Shown once. */
  secret: string
}

export interface DeliveryLogEntry extends Omit<DeliveryAttempt, 'checkpoint' | 'firstAttemptAt' | 'failingSince'> {
  /** The entry's number in the subscription's log (1 = first attempt ever). */
  seq: number
}

export interface DeliveryLogPage {
  /** Newest first. */
  items: DeliveryLogEntry[]
  /** Pass as `before` for older entries; present only when there are some. */
  next?: number
}

interface Deps {
  store: EventStore
  readModels: ReadModelStore
  clock: Clock
  policy: AddressPolicy
  /** Waits until the read models have applied a position (read-your-writes). */
  waitFor(position: number): Promise<unknown>
  /** Told when subscriptions changed (the dispatcher starts or stops workers). */
  changed(): Promise<void>
}

function view(record: WebhookRecord): WebhookView {
  return { id: record.id, url: record.url, types: record.types, createdAt: record.createdAt, disabled: record.disabled }
}

export class WebhookService {
  constructor(private readonly deps: Deps) {}

  async create(input: { url: string; types?: string[] }, by: Principal): Promise<CreatedWebhook> {
    if (!WEBHOOK_OWNERS.includes(by.role)) throw new ForbiddenError(`only ${WEBHOOK_OWNERS.join(', ')} tokens subscribe to webhooks`)
    const types = [...new Set(input.types ?? [])]
    const unknown = (input.types ?? []).findIndex(type => !isPlanEventType(type))
    if (unknown >= 0) throw ValidationError.field(`types.${unknown}`, `${JSON.stringify(input.types![unknown])} is not an event type`)
    try {
      await checkWebhookUrl(input.url, this.deps.policy)
    } catch (error) {
      if (error instanceof RefusedAddressError) throw ValidationError.field('url', error.message)
      throw error
    }
    if (this.own(by).length >= MAX_WEBHOOKS_PER_TOKEN) throw ValidationError.field('url', `a token may keep at most ${MAX_WEBHOOKS_PER_TOKEN} webhooks; delete one first`)
    const id = newId()
    const secret = newWebhookSecret()
    const result = await this.deps.store.append(
      WEBHOOKS_STREAM,
      [{ id: newId(), type: 'WebhookCreated', schemaVersion: 1, data: { webhookId: id, url: input.url, types, secret, owner: ownerOf(by) }, metadata: { actor: { tokenId: by.tokenId, role: by.role, label: by.label } }, recordedAt: this.deps.clock().toISOString() }],
      { expectedVersion: 'any' },
    )
    await this.deps.waitFor(result.position)
    await this.deps.changed()
    return { id, url: input.url, types, createdAt: result.events[0].recordedAt, disabled: null, secret }
  }

  list(by: Principal): WebhookView[] {
    return this.own(by).map(view)
  }

  async remove(id: string, by: Principal): Promise<void> {
    this.find(id, by)
    const result = await this.deps.store.append(
      WEBHOOKS_STREAM,
      [{ id: newId(), type: 'WebhookDeleted', schemaVersion: 1, data: { webhookId: id }, metadata: { actor: { tokenId: by.tokenId, role: by.role, label: by.label } }, recordedAt: this.deps.clock().toISOString() }],
      { expectedVersion: 'any' },
    )
    await this.deps.waitFor(result.position)
    await this.deps.changed()
  }

  /** The subscription's delivery log, newest first, `limit` entries before log entry `before`. */
  async deliveries(id: string, by: Principal, options: { limit?: number; before?: number } = {}): Promise<DeliveryLogPage> {
    this.find(id, by)
    const limit = Math.min(DELIVERIES_MAX_LIMIT, Math.max(1, options.limit ?? DELIVERIES_DEFAULT_LIMIT))
    const stream = webhookLogStream(id)
    const last = Math.min(await this.deps.store.streamVersion(stream), (options.before ?? Number.MAX_SAFE_INTEGER) - 1)
    if (last < 1) return { items: [] }
    const first = Math.max(1, last - limit + 1)
    const events = await this.deps.store.readStream(stream, { fromVersion: first, toVersion: last })
    const items = events.reverse().map(event => {
      const { checkpoint: _c, firstAttemptAt: _f, failingSince: _s, ...attempt } = event.data as unknown as DeliveryAttempt
      return { seq: event.version, ...attempt }
    })
    return first > 1 ? { items, next: first } : { items }
  }

  private own(by: Principal): WebhookRecord[] {
    return this.deps.readModels.list<WebhookRecord>('webhooks').filter(r => r.owner.tokenId === by.tokenId)
  }

  /** The caller's subscription; 404 for one that does not exist or is another token's. */
  private find(id: string, by: Principal): WebhookRecord {
    const record = this.deps.readModels.get<WebhookRecord>('webhooks', id)
    if (!record || record.owner.tokenId !== by.tokenId) throw new NotFoundError('webhook', id)
    return record
  }
}
