// Serving the API: open the ledger, listen, and shut down gracefully on SIGTERM/SIGINT
// (stop accepting, finish in-flight requests, close the projections and the store).
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import { mkdirSync } from 'node:fs'
import { getHeapStatistics } from 'node:v8'
import pino from 'pino'
import { sqliteStorePath } from './app/backup.js'
import { backupInChildProcess } from './app/backupProcess.js'
import { parseEvery, startBackupSchedule, type BackupSchedule } from './app/backupSchedule.js'
import { openGridLedger } from './app/gridledger.js'
import { createMetrics } from './app/metrics.js'
import { policyWithBase } from './app/webhooks/retryPolicy.js'
import metricsRoutes from './http/routes/metrics.js'
import type { Config } from './config.js'
import { buildApp } from './http/app.js'
import { packageVersion } from './version.js'


export async function serve(config: Config): Promise<{ close(): Promise<void>; port: number }> {
  const logger = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'headers.authorization'] })
  // Checked before the store opens: a backup schedule that cannot run is a configuration error.
  if (config.GRIDLEDGER_BACKUP_DIR) sqliteStorePath(config.GRIDLEDGER_STORE)
  // Metrics are kept only when something can read them: never public by default.
  const metricsWanted = config.GRIDLEDGER_METRICS_TOKEN !== undefined || config.GRIDLEDGER_METRICS_PORT !== undefined
  const metrics = metricsWanted ? createMetrics() : null
  const ledger = await openGridLedger({
    store: config.GRIDLEDGER_STORE,
    ...(metrics ? { storeObserver: metrics.storeObserver } : {}),
    createStore: true,
    onStoreCreated: location => logger.warn({ store: location }, 'no store there: created a new, empty one'),
    adminToken: config.GRIDLEDGER_ADMIN_TOKEN,
    idempotencyRetentionMs: config.GRIDLEDGER_IDEMPOTENCY_RETENTION_HOURS * 60 * 60 * 1000,
    importBudgetMs: config.GRIDLEDGER_IMPORT_BUDGET_MS,
    appendQuota: config.GRIDLEDGER_APPEND_QUOTA,
    signingKey: config.GRIDLEDGER_SIGNING_KEY,
    onSigningKeyCreated: path => logger.warn({ path }, 'no signing key: made a new Ed25519 key there (keep its public half, GET /v1/keys, apart from the server)'),
    importProfilesDir: config.GRIDLEDGER_IMPORT_PROFILES_DIR,
    onProjectionError: err => logger.error({ err }, 'projection failed; retrying from its checkpoint'),
    deliverWebhooks: true,
    webhooks: {
      allowPrivate: config.GRIDLEDGER_WEBHOOK_ALLOW_PRIVATE,
      retry: policyWithBase(config.GRIDLEDGER_WEBHOOK_BACKOFF_BASE_MS),
      ...(metrics ? { observer: metrics.webhookObserver } : {}),
      onError: err => logger.error({ err }, 'webhook delivery stopped; retrying'),
    },
  })
  // The signing key is opened (or made) at start, not at the first sign-off: a bad key file stops the server here.
  logger.info({ keyId: ledger.heads.signer.keyId }, 'signing chain heads')
  const app = await buildApp(ledger, {
    logger,
    rateLimit: config.GRIDLEDGER_RATE_LIMIT,
    version: packageVersion(),
    loadShedding: {
      maxEventLoopDelayMs: config.GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: config.GRIDLEDGER_MAX_HEAP_MB === undefined ? Math.floor(getHeapStatistics().heap_size_limit * 0.9) : config.GRIDLEDGER_MAX_HEAP_MB * 1048576,
      retryAfterSeconds: config.GRIDLEDGER_RETRY_AFTER_SECONDS,
    },
    ...(metrics ? { metrics: { metrics, token: config.GRIDLEDGER_METRICS_PORT === undefined ? config.GRIDLEDGER_METRICS_TOKEN : undefined } } : {}),
    feed: {
      heartbeatMs: config.GRIDLEDGER_FEED_HEARTBEAT_MS,
      maxBufferBytes: config.GRIDLEDGER_FEED_BUFFER_BYTES,
      stallMs: config.GRIDLEDGER_FEED_STALL_MS,
      maxConnectionMs: config.GRIDLEDGER_FEED_MAX_CONNECTION_MS,
    },
  })
  metrics?.watch(ledger)
  let metricsApp: ReturnType<typeof Fastify> | null = null
  if (metrics && config.GRIDLEDGER_METRICS_PORT !== undefined) {
    metricsApp = Fastify({ logger: false })
    await metricsApp.register(metricsRoutes, { metrics, token: config.GRIDLEDGER_METRICS_TOKEN })
    await metricsApp.listen({ port: config.GRIDLEDGER_METRICS_PORT, host: config.HOST })
    const a = metricsApp.server.address()
    logger.info({ port: typeof a === 'object' && a ? a.port : config.GRIDLEDGER_METRICS_PORT, host: config.HOST }, 'metrics listening')
  }
  await app.listen({ port: config.PORT, host: config.HOST })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  logger.info({ port, host: config.HOST, store: config.GRIDLEDGER_STORE.replace(/\/\/[^@/]*@/, '//***@') }, 'gridledger listening')
  let backups: BackupSchedule | null = null
  if (config.GRIDLEDGER_BACKUP_DIR) {
    const dir = config.GRIDLEDGER_BACKUP_DIR
    mkdirSync(dir, { recursive: true })
    backups = startBackupSchedule({ dir, everyMs: parseEvery(config.GRIDLEDGER_BACKUP_EVERY), keep: config.GRIDLEDGER_BACKUP_KEEP, takeBackup: backupInChildProcess(config.GRIDLEDGER_STORE), logger })
    logger.info({ dir, every: config.GRIDLEDGER_BACKUP_EVERY, keep: config.GRIDLEDGER_BACKUP_KEEP }, 'scheduled backups on')
  }
  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= (async () => {
      await backups?.close()
      await metricsApp?.close()
      // A request in flight when closing began leaves its connection open as keep-alive once
      // answered, and the listening server would wait for it: close connections as they idle.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 100)
      await app.close().finally(() => clearInterval(sweep))
      await ledger.close()
    })())
  closeWithGrace({ delay: 10_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error')
    else logger.info({ signal }, 'shutting down')
    await close()
  })
  return { close, port }
}
