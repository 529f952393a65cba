// Webhook subscriptions (admin, commissioner, provider): each token sees and deletes only its own.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { GridLedger } from '../../../../app/gridledger.js'
import { WEBHOOK_OWNERS } from '../../../../app/webhooks/webhookService.js'
import { NoContent } from '../../../schemas.js'
import { CreatedWebhook, CreateWebhook, DeliveriesQuery, DeliveryLog, WebhookList, WebhookParams } from '../../../webhookSchemas.js'

const DELIVERY =
  'Each delivery is a POST of `{type, timestamp, position, data}` (`data` the history entry, as the feed sends it) with the Standard Webhooks headers ' +
  '`webhook-id` (the same for every attempt at one event: dedupe on it), `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>`. ' +
  'At least once, in order, retried with exponential backoff and jitter for 24 h, across restarts; any 2xx within 5 s is success, redirects are not followed.'

export default async function webhookRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.post('/v1/webhooks', {
    config: { roles: WEBHOOK_OWNERS, cache: 'no-store' },
    schema: { tags: ['webhooks'], operationId: 'createWebhook', summary: 'Subscribe a URL to the events you may see (secret shown once)', description: DELIVERY, body: CreateWebhook, response: { 201: CreatedWebhook } },
  }, async (request, reply) => {
    const created = await ledger.webhooks.create(request.body, request.principal!)
    return reply.code(201).header('Location', `/v1/webhooks/${created.id}`).send(created)
  })

  app.get('/v1/webhooks', {
    config: { roles: WEBHOOK_OWNERS },
    schema: { tags: ['webhooks'], operationId: 'listWebhooks', summary: "Your token's webhooks, with why any was disabled", response: { 200: WebhookList } },
  }, async request => ({ items: ledger.webhooks.list(request.principal!) }))

  app.delete('/v1/webhooks/:webhookId', {
    config: { roles: WEBHOOK_OWNERS, cache: 'no-store' },
    schema: { tags: ['webhooks'], operationId: 'deleteWebhook', summary: 'Stop and delete one of your webhooks', params: WebhookParams, response: { 204: NoContent } },
  }, async (request, reply) => {
    await ledger.webhooks.remove(request.params.webhookId, request.principal!)
    return reply.code(204).send(null)
  })

  app.get('/v1/webhooks/:webhookId/deliveries', {
    config: { roles: WEBHOOK_OWNERS },
    schema: { tags: ['webhooks'], operationId: 'listWebhookDeliveries', summary: "One of your webhooks' delivery log, newest first", params: WebhookParams, querystring: DeliveriesQuery, response: { 200: DeliveryLog } },
  }, async request => ledger.webhooks.deliveries(request.params.webhookId, request.principal!, request.query))
}
