// Operational metrics in the Prometheus text format (prom-client): HTTP requests, the store's
// appends, group commits and syncs (through its StoreObserver), projection lag, idempotency
// records kept, and the process's own figures. Each instance has its own registry.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { StoreObserver } from '../store/storeObserver.js'
import { PROJECTIONS, type GridLedger } from './gridledger.js'
import type { WebhookObserver } from './webhooks/dispatcher.js'

export interface Metrics {
  registry: Registry
  /** Hand to the store when it is opened. */
  storeObserver: StoreObserver
  /** Hand to the webhook dispatcher: deliveries by outcome and their lag. */
  webhookObserver: WebhookObserver
  /** Called once per answered request. */
  requestCompleted(method: string, route: string, status: number, seconds: number): void
  /** Starts reporting the figures read from a running ledger at scrape time (projection lag, idempotency records). */
  watch(ledger: GridLedger): void
}

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry()
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'gridledger_' })

  const requests = new Counter({ name: 'gridledger_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const durations = new Histogram({
    name: 'gridledger_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const appends = new Counter({ name: 'gridledger_store_appends_total', help: 'Appends committed to the event store', registers: [registry] })
  const appendedEvents = new Counter({ name: 'gridledger_store_events_appended_total', help: 'Events committed to the event store', registers: [registry] })
  const groupCommit = new Histogram({ name: 'gridledger_store_group_commit_appends', help: 'Appends written together in one group commit', buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: [registry] })
  const fsync = new Histogram({
    name: 'gridledger_store_fsync_duration_seconds',
    help: 'Time an fdatasync of the write-ahead log took',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  })
  const webhookAttempts = new Counter({ name: 'gridledger_webhook_deliveries_total', help: 'Webhook delivery attempts, by outcome (delivered, failed and to be retried, gave_up after the retry window)', labelNames: ['outcome'], registers: [registry] })
  const webhookLag = new Histogram({
    name: 'gridledger_webhook_delivery_lag_seconds',
    help: 'Time from recording an event to a receiver accepting its webhook (retries included)',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3600, 86400],
    registers: [registry],
  })

  let ledger: GridLedger | null = null
  new Gauge({
    name: 'gridledger_projection_lag_events',
    help: "Events between the store's head and what a projection has applied",
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      if (!ledger) return
      this.reset()
      const head = await ledger.store.headPosition()
      for (const { name } of PROJECTIONS) this.set({ projection: name }, Math.max(0, head - ledger.readModels.checkpoint(name)))
    },
  })
  new Gauge({
    name: 'gridledger_idempotency_records',
    help: 'Idempotency records kept (answers a repeated request can replay)',
    registers: [registry],
    async collect() {
      const count = ledger?.store.idempotencyRecordCount ? await ledger.store.idempotencyRecordCount() : undefined
      if (count !== undefined) this.set(count)
    },
  })

  return {
    registry,
    storeObserver: {
      batchCommitted(n, events) {
        appends.inc(n)
        appendedEvents.inc(events)
        groupCommit.observe(n)
      },
      synced(seconds) {
        fsync.observe(seconds)
      },
    },
    webhookObserver: {
      attempted(outcome, lagSeconds) {
        webhookAttempts.inc({ outcome })
        if (lagSeconds !== null) webhookLag.observe(lagSeconds)
      },
    },
    requestCompleted(method, route, status, seconds) {
      const labels = { method, route, status: String(status) }
      requests.inc(labels)
      durations.observe(labels, seconds)
    },
    watch(l) {
      ledger = l
    },
  }
}
