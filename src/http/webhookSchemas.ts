// Request and response schemas of the webhook routes, beside schemas.ts and built from its pieces.
import { z } from 'zod'
import { PLAN_EVENT_TYPES } from '../domain/events.js'
import { Id, instant } from './schemas.js'

const eventType = z.enum(PLAN_EVENT_TYPES as [string, ...string[]])

export const CreateWebhook = z.strictObject({
  url: z.string().min(1).max(2048).meta({ description: 'https:// and a public address (http:// and private addresses only with GRIDLEDGER_WEBHOOK_ALLOW_PRIVATE=1)', example: 'https://provider.example/gridledger' }),
  types: z.array(eventType).max(PLAN_EVENT_TYPES.length).optional().meta({ description: 'Deliver only these event types; absent or empty: every type' }),
})

export const WebhookParams = z.strictObject({ webhookId: Id })

const disabled = z.object({ at: instant, reason: z.string() }).nullable().meta({ description: 'Why and when deliveries were stopped (repeated failure, 410 Gone, the token revoked); null while active' })

export const Webhook = z
  .object({ id: z.string(), url: z.string(), types: z.array(z.string()), createdAt: instant, disabled })
  .meta({ id: 'Webhook' })

export const CreatedWebhook = Webhook.extend({
  secret: z.string().meta({ description: 'The signing secret, `whsec_<base64>` (Standard Webhooks): shown once', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
}).meta({ id: 'CreatedWebhook' })

export const WebhookList = z.object({ items: z.array(Webhook) }).meta({ id: 'WebhookList' })

export const DeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: 'Entries per page (default 100)' }),
  before: z.coerce.number().int().min(1).optional().meta({ description: 'Only entries older than this `seq` (the `next` of the previous page)' }),
})

export const Delivery = z
  .object({
    seq: z.number().int().meta({ description: "The entry's number in the subscription's log" }),
    messageId: z.string().meta({ description: 'The webhook-id header: the same for every attempt at one event' }),
    position: z.number().int().meta({ description: "The event's global position (the feed's id)" }),
    eventType: z.string(),
    attempt: z.number().int(),
    outcome: z.enum(['delivered', 'failed', 'gave_up']),
    status: z.number().int().nullable().meta({ description: "The receiver's HTTP status; null when none came (refused address, timeout, connection error)" }),
    error: z.string().nullable(),
    response: z.string().meta({ description: "The start of the receiver's answer" }),
    at: instant,
    durationMs: z.number().int(),
    nextAttemptAt: instant.nullable(),
  })
  .meta({ id: 'WebhookDelivery' })

export const DeliveryLog = z.object({ items: z.array(Delivery), next: z.number().int().optional() }).meta({ id: 'WebhookDeliveryLog' })
