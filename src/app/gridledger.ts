// The composition root: a store, its read models and projections, and the services the HTTP
// layer and the CLI call. One function opens it all; close() shuts it down in order.
import type { ReadModelStore } from '../projections/storage/readModelStore.js'
import { planCatalogueProjection } from '../projections/readModels/planCatalogue.js'
import { rebuildProjections, startProjections, type Projection, type ProjectionRunner } from '../projections/readModels/runner.js'
import type { EventStore } from '../store/eventStore.js'
import type { StoreObserver } from '../store/storeObserver.js'
import { openBackend, type Backend } from './backends.js'
import { systemClock, type Clock } from './clock.js'
import { AppendQuota, DEFAULT_APPEND_QUOTA } from './appendQuota.js'
import { CommandHandler } from './commandHandler.js'
import { IdempotencyService } from './idempotency.js'
import { ImportProfiles } from './importProfiles.js'
import { ImportService } from './importService.js'
import { Feed } from './feed/feed.js'
import { PlanAccess } from './planAccess.js'
import { MeetingQueries } from './meetingQueries.js'
import { PlanQueries } from './planQueries.js'
import { SignOffService } from './signOffs.js'
import { PlanExports } from './export/planExport.js'
import { ChainHeads } from './signing/chainHeads.js'
import { openSigner } from './signing/signingKey.js'
import type { HeadSigner } from './signing/signedHead.js'
import { TokenService, tokensProjection } from './tokens.js'
import { addressPolicy, WebhookDispatcher, type WebhookDeliveryOptions } from './webhooks/dispatcher.js'
import { webhooksProjection } from './webhooks/registry.js'
import { WebhookService } from './webhooks/webhookService.js'

export interface GridLedger {
  store: EventStore
  readModels: ReadModelStore
  projections: ProjectionRunner
  commands: CommandHandler
  idempotency: IdempotencyService
  tokens: TokenService
  plans: PlanQueries
  /** Monitoring meetings: agenda, decisions, minutes. */
  meetings: MeetingQueries
  /** Whether a principal may address a plan at all (checked before anything else about a request to it). */
  planAccess: PlanAccess
  /** The live feed of history entries (GET /v1/feed). */
  feed: Feed
  imports: ImportService
  /** Quarterly reports signed off, frozen in the plan's stream. */
  signOffs: SignOffService
  /** Plans' events as NDJSON export files, streamed. */
  exports: PlanExports
  /** Plans' chain heads signed with the server's Ed25519 key. */
  heads: ChainHeads
  /** Webhook subscriptions and their delivery logs (POST/GET/DELETE /v1/webhooks). */
  webhooks: WebhookService
  /** Delivers webhooks once started (the server starts it; tools that open the store do not). */
  webhookDispatcher: WebhookDispatcher
  clock: Clock
  close(): Promise<void>
}

export interface OpenOptions {
  /** How long an Idempotency-Key's answer is kept (at least 24 h, the default); records are pruned hourly after it. */
  idempotencyRetentionMs?: number
  /** GRIDLEDGER_STORE syntax: sqlite:<path>, memory:, esdb://… */
  store: string
  /** May a store that does not exist be created (serve, import)? Default false: see openStore. */
  createStore?: boolean
  /** Told when a new, empty store was created. */
  onStoreCreated?(location: string): void
  /** Told of the store's commits and syncs (metrics). */
  storeObserver?: StoreObserver
  clock?: Clock
  adminToken?: string
  /** GRIDLEDGER_SIGNING_KEY: the Ed25519 key's PEM file (made there when missing); default beside the store (signingKey.ts). */
  signingKey?: string
  /** Told when a signing key was made (its path). */
  onSigningKeyCreated?(path: string): void
  /** Where projection failures are reported (they retry from their checkpoints). */
  onProjectionError?(error: unknown): void
  /** How long one import may take to read its document (GRIDLEDGER_IMPORT_BUDGET_MS). */
  importBudgetMs?: number
  /** Events one token may append to one plan per UTC day (default DEFAULT_APPEND_QUOTA); 0 turns the quota off. */
  appendQuota?: number
  /** Where import profiles are stored, NAME.json each (GRIDLEDGER_IMPORT_PROFILES_DIR). */
  importProfilesDir?: string
  /** Webhook deliveries: the SSRF policy, retries, timeout (GRIDLEDGER_WEBHOOK_*). */
  webhooks?: WebhookDeliveryOptions
  /** Deliver webhooks from this process (serve does; the CLI's tools do not, so a delivery is not made twice). */
  deliverWebhooks?: boolean
}

export const PROJECTIONS: Projection[] = [planCatalogueProjection, tokensProjection, webhooksProjection]

export async function openGridLedger(options: OpenOptions): Promise<GridLedger> {
  const signer = () => openSigner({ keyPath: options.signingKey, storeUrl: options.store, onCreate: options.onSigningKeyCreated })
  return assembleGridLedger(await openBackend(options.store, { create: options.createStore, onCreate: options.onStoreCreated, observer: options.storeObserver, idempotencyRetentionMs: options.idempotencyRetentionMs }), { ...options, signer })
}

/** A ledger on a store already opened with its read models (backends.ts: one factory per store kind). */
export async function assembleGridLedger({ store, readModels }: Backend, options: Omit<OpenOptions, 'store'> & { signer?: () => HeadSigner } = {}): Promise<GridLedger> {
  const clock = options.clock ?? systemClock
  const projections = startProjections(store, readModels, PROJECTIONS, options.onProjectionError ? { onError: options.onProjectionError } : {})
  const commands = new CommandHandler(store, clock, new AppendQuota(options.appendQuota ?? DEFAULT_APPEND_QUOTA))
  const tokens = new TokenService({
    store,
    readModels,
    clock,
    adminToken: options.adminToken,
    waitFor: (position, timeoutMs = 5_000) => projections.waitFor(position, timeoutMs),
    // Another process (the CLI, or another instance on EventStoreDB) may have just minted it.
    catchUp: async () => projections.waitFor(await store.headPosition(), 2_000),
  })
  // Tokens must be known before the first request is authenticated.
  await projections.waitFor(await store.headPosition(), 60_000)
  const idempotency = new IdempotencyService(store, { retentionMs: options.idempotencyRetentionMs, clock })
  idempotency.startPruning()
  const planAccess = new PlanAccess(store, readModels, projections)
  const plans = new PlanQueries(store, readModels, projections, clock, planAccess)
  // Without a key source (tests, in-process tools), a key for this process only.
  const heads = new ChainHeads(store, clock, options.signer ?? (() => openSigner({})))
  const feed = new Feed(store, readModels, projections)
  const waitFor = (position: number) => projections.waitFor(position, 5_000)
  const webhookDispatcher = new WebhookDispatcher({ store, readModels, feed, clock, isRevoked: id => tokens.isRevoked(id), waitFor }, options.webhooks)
  if (options.deliverWebhooks) webhookDispatcher.start()
  return {
    store,
    readModels,
    projections,
    commands,
    idempotency,
    tokens,
    plans,
    meetings: new MeetingQueries(plans, clock),
    planAccess,
    feed,
    imports: new ImportService(store, commands, clock, options.importBudgetMs, new ImportProfiles(options.importProfilesDir)),
    signOffs: new SignOffService(plans, heads, clock),
    exports: new PlanExports(store, heads, clock),
    heads,
    webhooks: new WebhookService({ store, readModels, clock, policy: addressPolicy(options.webhooks ?? {}), waitFor, changed: () => webhookDispatcher.sync() }),
    webhookDispatcher,
    clock,
    async close() {
      idempotency.stopPruning()
      await webhookDispatcher.close()
      await projections.close()
      await store.close()
    },
  }
}

/** Drops and rebuilds every read model from the events. */
export async function rebuildReadModels({ store, readModels }: Backend, onProgress?: (done: number, total: number) => void): Promise<void> {
  await rebuildProjections(store, readModels, PROJECTIONS, onProgress)
}

/** Opens the store a GRIDLEDGER_STORE value names, rebuilds its read models, closes it (gridledger rebuild). */
export async function rebuildReadModelsAt(storeUrl: string, onProgress?: (done: number, total: number) => void): Promise<void> {
  const backend = await openBackend(storeUrl)
  try {
    await rebuildReadModels(backend, onProgress)
  } finally {
    await backend.store.close()
  }
}
