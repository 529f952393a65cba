// Configuration from the environment (API.md "Running"), validated once at start.
import { z } from 'zod'
import { DEFAULT_APPEND_QUOTA } from './app/appendQuota.js'
import { DEFAULT_FEED_OPTIONS } from './http/routes/api/feed/index.js'

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  GRIDLEDGER_STORE: z.string().min(1).default('sqlite:./data/gridledger.db'),
  GRIDLEDGER_ADMIN_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .superRefine((token, ctx) => {
      const reason = weakAdminTokenReason(token)
      if (reason) ctx.addIssue({ code: 'custom', message: reason })
    })
    .optional(),
  GRIDLEDGER_RATE_LIMIT: z.coerce.number().int().min(0).default(6000),
  /** Hours an Idempotency-Key's answer is kept (the contract promises at least 24). */
  GRIDLEDGER_IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().min(24, 'must be at least 24 (the API promises a day)').default(24),
  /** Events one token may append to one plan per UTC day (429 past it); 0 turns it off. */
  GRIDLEDGER_APPEND_QUOTA: z.coerce.number().int().min(0).default(DEFAULT_APPEND_QUOTA),
  /** Scheduled backups of the SQLite store go here (off when unset). */
  GRIDLEDGER_BACKUP_DIR: z.string().min(1).optional(),
  /** How often: 90s, 15m, 6h, 1d. */
  GRIDLEDGER_BACKUP_EVERY: z.string().regex(/^\d+\s*[smhd]$/, 'a number and a unit: 90s, 15m, 6h, 1d').refine(v => !/^0+\s*[smhd]$/.test(v), 'must be more than 0').default('24h'),
  /** How many scheduled backups are kept (the oldest beyond are deleted). */
  GRIDLEDGER_BACKUP_KEEP: z.coerce.number().int().min(1).default(7),
  /** Shed load (503) once the event loop lags this many ms; 0 turns it off. */
  GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /** Shed load once the V8 heap in use passes this many MiB; 0 turns it off; unset: 90% of the heap limit. */
  GRIDLEDGER_MAX_HEAP_MB: z.coerce.number().int().min(0).optional(),
  /** Retry-After (seconds) on a shed request. */
  GRIDLEDGER_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).default(5),
  /** GET /metrics on the API's port, for this bearer token only (off when unset). */
  GRIDLEDGER_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** GET /metrics on this port instead (on HOST; with GRIDLEDGER_METRICS_TOKEN, the token is asked there too). */
  GRIDLEDGER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** How long one import may take to read its document before it is refused (422). */
  GRIDLEDGER_IMPORT_BUDGET_MS: z.coerce.number().int().min(100).default(20_000),
  /** The Ed25519 signing key's PEM file (made there at first start when missing); unset: beside the store. */
  GRIDLEDGER_SIGNING_KEY: z.string().min(1).optional(),
  /** Import profiles stored on the server: NAME.json in this directory, chosen with POST /v1/imports?profile=NAME. */
  GRIDLEDGER_IMPORT_PROFILES_DIR: z.string().min(1).optional(),
  /** GET /v1/feed: milliseconds between keep-alive comments on an idle feed. */
  GRIDLEDGER_FEED_HEARTBEAT_MS: z.coerce.number().int().min(100).default(DEFAULT_FEED_OPTIONS.heartbeatMs),
  /** GET /v1/feed: bytes held for one client before the feed waits for it to read. */
  GRIDLEDGER_FEED_BUFFER_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_FEED_OPTIONS.maxBufferBytes),
  /** GET /v1/feed: how long a client may leave its full buffer unread before it is disconnected (it resumes with Last-Event-ID). */
  GRIDLEDGER_FEED_STALL_MS: z.coerce.number().int().min(100).default(DEFAULT_FEED_OPTIONS.stallMs),
  /** GET /v1/feed: a connection is ended after this long (the client resumes). */
  GRIDLEDGER_FEED_MAX_CONNECTION_MS: z.coerce.number().int().min(1000).default(DEFAULT_FEED_OPTIONS.maxConnectionMs),
  /** 1: webhook URLs may be http:// and private or loopback addresses (tests, private networks). */
  GRIDLEDGER_WEBHOOK_ALLOW_PRIVATE: z.enum(['0', '1', 'true', 'false']).default('0').transform(v => v === '1' || v === 'true'),
  /** The first webhook retry's delay in ms; every other retry duration scales with it (tests shorten them all). */
  GRIDLEDGER_WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Config = z.infer<typeof Env>

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const lines = parsed.error.issues.map(i => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}

// GRIDLEDGER_ADMIN_TOKEN must be a secret: a value copied from a template or documentation
// (`change-me-to-a-long-random-secret`, `your-secret-here`, …) would give anyone who has read
// the same page the admin role, so the server refuses to start with one.

/** Words that mark a placeholder, compared with case and punctuation removed. */
const PLACEHOLDER_WORDS = ['changeme', 'replaceme', 'changethis', 'yoursecret', 'yourtoken', 'secrethere', 'tokenhere', 'placeholder', 'example', 'insertsecret', 'longrandomsecret', 'randomsecret', 'notasecret']

/** Why the value is a well-known placeholder or too easily guessed, or null when it is not. */
export function weakAdminTokenReason(token: string): string | null {
  const folded = token.toLowerCase().replace(/[^a-z0-9]/g, '')
  const word = PLACEHOLDER_WORDS.find(w => folded.includes(w))
  if (word) return `looks like a placeholder ("${word}"); generate a secret, e.g. openssl rand -base64 32`
  if (new Set(token).size < 8) return 'has fewer than 8 distinct characters; generate a secret, e.g. openssl rand -base64 32'
  return null
}
