// Webhook subscriptions are events in the `webhooks` stream (WebhookCreated, WebhookDeleted,
// WebhookDisabled), so every store keeps them and every instance sees them; the `webhooks` read
// model answers "which subscriptions are there?". Each subscription's delivery log is its own
// stream, `webhook-<id>`: one WebhookDeliveryAttempted per attempt, each carrying the
// subscription's checkpoint and pending retry after it, so its last event is its whole state.
import type { Principal } from '../../domain/actor.js'
import type { Role } from '../../domain/roles.js'
import type { Projection } from '../../projections/readModels/runner.js'
import type { ReadModelStore } from '../../projections/storage/readModelStore.js'
import type { StoredEvent } from '../../store/eventStore.js'

export const WEBHOOKS_STREAM = 'webhooks'
export const WEBHOOK_LOG_PREFIX = 'webhook-'

export const webhookLogStream = (webhookId: string): string => `${WEBHOOK_LOG_PREFIX}${webhookId}`

/** Whose subscription it is: what the visibility rule reads of the token that made it. */
export interface WebhookOwner {
  tokenId: string | null
  role: Role
  label: string | null
  owners: string[]
  partnerships?: string[]
}

export interface WebhookRecord {
  id: string
  url: string
  /** Event types delivered; empty: all. */
  types: string[]
  /** `whsec_<base64>`: kept to sign deliveries (never answered again after creation). */
  secret: string
  owner: WebhookOwner
  createdAt: string
  /** Global position of WebhookCreated: deliveries start after it. */
  createdPosition: number
  disabled: { at: string; reason: string } | null
}

export function ownerOf(principal: Principal): WebhookOwner {
  return {
    tokenId: principal.tokenId,
    role: principal.role,
    label: principal.label,
    owners: [...principal.owners],
    ...(principal.partnerships?.length ? { partnerships: [...principal.partnerships] } : {}),
  }
}

export function principalOf(owner: WebhookOwner): Principal {
  return { tokenId: owner.tokenId, role: owner.role, label: owner.label, owners: owner.owners, ...(owner.partnerships?.length ? { partnerships: owner.partnerships } : {}) }
}

export const webhooksProjection: Projection = {
  name: 'webhooks',
  collections: ['webhooks'],
  apply(event: StoredEvent, rm: ReadModelStore): void {
    if (event.streamId !== WEBHOOKS_STREAM) return
    const d = event.data as Record<string, unknown>
    const id = d.webhookId as string
    if (event.type === 'WebhookCreated') {
      const record: WebhookRecord = {
        id,
        url: d.url as string,
        types: d.types as string[],
        secret: d.secret as string,
        owner: d.owner as WebhookOwner,
        createdAt: event.recordedAt,
        createdPosition: event.position,
        disabled: null,
      }
      rm.put('webhooks', id, record)
    } else if (event.type === 'WebhookDeleted') {
      rm.delete('webhooks', id)
    } else if (event.type === 'WebhookDisabled') {
      const record = rm.get<WebhookRecord>('webhooks', id)
      if (record) rm.put('webhooks', id, { ...record, disabled: { at: event.recordedAt, reason: d.reason as string } })
    }
  },
}

/** One attempt, as logged in `webhook-<id>`. */
export interface DeliveryAttempt {
  /** The webhook-id header: the same for every attempt at one event. */
  messageId: string
  /** Global position of the event delivered. */
  position: number
  eventType: string
  attempt: number
  outcome: 'delivered' | 'failed' | 'gave_up'
  status: number | null
  error: string | null
  /** The start of the receiver's answer. */
  response: string
  /** When the attempt was made (wall clock). */
  at: string
  durationMs: number
  /** When the next attempt is due (outcome failed). */
  nextAttemptAt: string | null
  /** Everything up to this global position is done with (delivered or given up). */
  checkpoint: number
  /** When the first attempt at this event was made (for the retry window). */
  firstAttemptAt: string
  /** When deliveries started failing without a success since; null after a success. */
  failingSince: string | null
}
