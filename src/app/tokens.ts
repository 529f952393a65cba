// Bearer tokens. A token is random, shown once, and stored only as its sha256. Issuing and
// revoking are events in the `tokens` stream (so on EventStoreDB every instance sees them);
// the `tokens` read model answers "who is this bearer?" on every request.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Principal } from '../domain/actor.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js'
import { MAX_PARTNERSHIPS_PER_TOKEN, MAX_SHORT_TEXT } from '../domain/limits.js'
import { isRole, PARTNERSHIP_SCOPED_ROLES, ROLES, TOKEN_ADMINS, type Role } from '../domain/roles.js'
import { normaliseOwners } from '../domain/values/owners.js'
import { normalisePartnerships } from '../domain/visibility.js'
import type { ReadModelStore } from '../projections/storage/readModelStore.js'
import type { Projection } from '../projections/readModels/runner.js'
import type { EventStore, StoredEvent } from '../store/eventStore.js'
import type { Clock } from './clock.js'
import { UnconfirmedError } from './errors.js'
import { newId, sha256Hex } from './ids.js'

export const TOKENS_STREAM = 'tokens'

export interface TokenRecord {
  id: string
  role: Role
  owners: string[]
  /** Partnerships a commissioner or auditor token is scoped to; empty (or absent, in records made before scoping): all. */
  partnerships?: string[]
  label: string | null
  revoked: boolean
  createdAt: string
}

export interface IssuedToken {
  id: string
  token: string
  role: Role
  owners: string[]
  partnerships: string[]
  label: string | null
}

/**
 * Bumped whenever the tokens read model changes in this process (an issue, a revocation, a
 * rebuild): every TokenService drops its cache of looked-up tokens when it moves.
 */
let tokensGeneration = 0

/** Read model: tokens by hash (for authentication) and hashes by id (for revocation). */
export const tokensProjection: Projection = {
  name: 'tokens',
  collections: ['tokens', 'tokenIds'],
  apply(event: StoredEvent, rm: ReadModelStore): void {
    if (event.streamId !== TOKENS_STREAM) return
    tokensGeneration++
    const d = event.data as Record<string, unknown>
    if (event.type === 'TokenIssued') {
      const record: TokenRecord = {
        id: d.tokenId as string,
        role: d.role as Role,
        owners: d.owners as string[],
        partnerships: (d.partnerships as string[] | undefined) ?? [],
        label: (d.label as string | null) ?? null,
        revoked: false,
        createdAt: event.recordedAt,
      }
      rm.put('tokens', d.tokenHash as string, record)
      rm.put('tokenIds', d.tokenId as string, { hash: d.tokenHash })
    } else if (event.type === 'TokenRevoked') {
      const ref = rm.get('tokenIds', d.tokenId as string) as { hash: string } | undefined
      if (!ref) return
      const record = rm.get('tokens', ref.hash) as TokenRecord | undefined
      if (record) rm.put('tokens', ref.hash, { ...record, revoked: true })
    }
  },
}

export interface TokenServiceOptions {
  store: EventStore
  readModels: ReadModelStore
  clock: Clock
  /** Waits until the read models have applied a position (read-your-writes); false when they did not in time. */
  waitFor(position: number, timeoutMs?: number): Promise<boolean>
  /**
   * Brings the read models up to the store's head. With several instances on one EventStoreDB,
   * a token minted through another instance may not have reached this one's read model yet.
   */
  catchUp?(): Promise<unknown>
  /** GRIDLEDGER_ADMIN_TOKEN: a bootstrap bearer with the admin role. */
  adminToken?: string
  /** The revocation bound in ms (default REVOCATION_BOUND_MS). */
  revocationBoundMs?: number
}

export const BOOTSTRAP_TOKEN_ID = 'bootstrap'

/**
 * A token revoked through any instance stops working on every instance sharing the store at
 * most this long after the revocation was acknowledged: an instance trusts what its read model
 * says about a token only while it has confirmed, within this bound, that the read model had
 * applied the store's head as it stood then; past it, the request waits for a new confirmation
 * and, failing one, is answered 503.
 */
export const REVOCATION_BOUND_MS = 1_000

const TOKEN_CACHE_SIZE = 10_000

/** What this instance knows about a bearer token, without reading the event store. */
export type TokenLookup = Principal | 'revoked' | 'unknown'

export class TokenService {
  private readonly adminTokenHash: Buffer | null
  /** Principals by token hash, valid while tokensGeneration stays where it was when filled and until the next confirmation. */
  private readonly cache = new Map<string, Principal | null>()
  private cacheGeneration = -1
  /** Hashes of tokens revoked through this instance: refused at once, whatever the read model has applied. */
  private readonly revokedHere = new Set<string>()
  private readonly boundMs: number
  /** performance.now() when the last successful confirmation started (its head position was read). */
  private confirmedAt = Number.NEGATIVE_INFINITY
  private confirming: Promise<void> | null = null

  constructor(private readonly options: TokenServiceOptions) {
    this.adminTokenHash = options.adminToken ? Buffer.from(sha256Hex(options.adminToken), 'hex') : null
    this.boundMs = options.revocationBoundMs ?? REVOCATION_BOUND_MS
  }

  /**
   * The principal a bearer token stands for, or null for an unknown or revoked token. An
   * unknown token is looked up once more after catching up with the store.
   */
  async authenticate(token: string): Promise<Principal | null> {
    const known = await this.resolve(token)
    if (known !== 'unknown') return known === 'revoked' ? null : known
    const again = await this.resolveAfterCatchUp(token)
    return typeof again === 'string' ? null : again
  }

  /**
   * What this instance's read model says of the token, reading no event store unless it has to
   * confirm its freshness (at most once per revocation bound, shared by every request): a
   * principal is only answered from a read model confirmed fresh within the bound.
   * Throws UnconfirmedError when it cannot be confirmed.
   */
  async resolve(token: string): Promise<TokenLookup> {
    const hash = sha256Hex(token)
    const found = this.lookup(hash)
    if (found === undefined) return 'unknown'
    if (found === null) return 'revoked'
    if (found.tokenId === BOOTSTRAP_TOKEN_ID) return found
    const age = performance.now() - this.confirmedAt
    if (age < this.boundMs) {
      // Confirm again in the background before the bound runs out, so requests rarely wait.
      if (age > this.boundMs / 2) void this.confirm().catch(() => undefined)
      return found
    }
    await this.confirm()
    return this.lookup(hash) ?? 'unknown'
  }

  /** For an unknown token: catch up with the store (another instance may have minted it), then resolve. */
  async resolveAfterCatchUp(token: string): Promise<TokenLookup> {
    if (this.options.catchUp) await this.options.catchUp()
    return this.resolve(token)
  }

  /**
   * Reads the store's head and waits for the read models to apply it; then every principal
   * cached before is dropped (another process sharing a SQLite file applies revocations to the
   * read model itself, so this one's projection never tells it).
   */
  private confirm(): Promise<void> {
    this.confirming ??= (async () => {
      const started = performance.now()
      try {
        const head = await this.options.store.headPosition()
        const applied = await this.options.waitFor(head, this.boundMs)
        if (!applied) throw new UnconfirmedError('This instance could not confirm in time that it knows every revocation; retry shortly.')
        this.confirmedAt = started
        this.cache.clear()
      } finally {
        this.confirming = null
      }
    })()
    return this.confirming
  }

  /** undefined: never seen; null: revoked. */
  private lookup(hash: string): Principal | null | undefined {
    if (this.adminTokenHash && timingSafeEqual(Buffer.from(hash, 'hex'), this.adminTokenHash)) {
      return { tokenId: BOOTSTRAP_TOKEN_ID, role: 'admin', label: 'bootstrap admin token', owners: [] }
    }
    if (this.revokedHere.has(hash)) return null
    // Every request authenticates: keep what the read model said until it changes.
    if (this.cacheGeneration !== tokensGeneration || this.cache.size > TOKEN_CACHE_SIZE) {
      this.cache.clear()
      this.cacheGeneration = tokensGeneration
    }
    const cached = this.cache.get(hash)
    if (cached !== undefined) return cached
    const found = this.read(hash)
    if (found !== undefined) this.cache.set(hash, found)
    return found
  }

  private read(hash: string): Principal | null | undefined {
    const record = this.options.readModels.get('tokens', hash) as TokenRecord | undefined
    if (!record) return undefined
    if (record.revoked) return null
    return { tokenId: record.id, role: record.role, label: record.label, owners: record.owners, ...(record.partnerships?.length ? { partnerships: record.partnerships } : {}) }
  }

  async create(input: { role: string; owners?: string[]; partnerships?: string[]; label?: string | null }, by: Principal | null): Promise<IssuedToken> {
    if (by && !TOKEN_ADMINS.includes(by.role)) throw new ForbiddenError('only admins mint tokens')
    if (!isRole(input.role)) throw ValidationError.field('role', `must be one of ${ROLES.join(', ')}`)
    const role = input.role
    const owners = normaliseOwners(input.owners ?? [])
    if (role === 'provider' && owners.length === 0) throw ValidationError.field('owners', 'a provider token needs at least one owner label')
    if (role !== 'provider' && owners.length > 0) throw ValidationError.field('owners', 'only provider tokens are bound to owner labels')
    const partnerships = normalisePartnerships(input.partnerships ?? [])
    if (partnerships.length > 0 && !PARTNERSHIP_SCOPED_ROLES.includes(role)) {
      throw ValidationError.field('partnerships', `only ${PARTNERSHIP_SCOPED_ROLES.join(' and ')} tokens are scoped to partnerships`)
    }
    if (partnerships.length > MAX_PARTNERSHIPS_PER_TOKEN) throw ValidationError.field('partnerships', `at most ${MAX_PARTNERSHIPS_PER_TOKEN}`)
    if (partnerships.some(p => p.length > MAX_SHORT_TEXT)) throw ValidationError.field('partnerships', `each at most ${MAX_SHORT_TEXT} characters`)
    const label = input.label?.trim() || null
    const id = newId()
    const token = `glt_${randomBytes(32).toString('base64url')}`
    const result = await this.options.store.append(
      TOKENS_STREAM,
      [
        {
          id: newId(),
          type: 'TokenIssued',
          schemaVersion: 1,
          data: { tokenId: id, tokenHash: sha256Hex(token), role, owners, ...(partnerships.length ? { partnerships } : {}), label },
          metadata: { actor: by ? { tokenId: by.tokenId, role: by.role, label: by.label } : { tokenId: null, role: 'admin', label: 'cli' } },
          recordedAt: this.options.clock().toISOString(),
        },
      ],
      { expectedVersion: 'any' },
    )
    await this.options.waitFor(result.position)
    return { id, token, role, owners, partnerships, label }
  }

  /** True when the token with this id has been revoked (as far as this instance's read model knows). */
  isRevoked(tokenId: string): boolean {
    const ref = this.options.readModels.get('tokenIds', tokenId) as { hash: string } | undefined
    if (!ref) return false
    return this.revokedHere.has(ref.hash) || (this.options.readModels.get('tokens', ref.hash) as TokenRecord | undefined)?.revoked === true
  }

  async revoke(tokenId: string, by: Principal | null): Promise<void> {
    if (by && !TOKEN_ADMINS.includes(by.role)) throw new ForbiddenError('only admins revoke tokens')
    const ref = this.options.readModels.get('tokenIds', tokenId) as { hash: string } | undefined
    if (!ref) throw new NotFoundError('token', tokenId)
    const record = this.options.readModels.get('tokens', ref.hash) as TokenRecord | undefined
    if (record?.revoked) return
    const result = await this.options.store.append(
      TOKENS_STREAM,
      [
        {
          id: newId(),
          type: 'TokenRevoked',
          schemaVersion: 1,
          data: { tokenId },
          metadata: { actor: by ? { tokenId: by.tokenId, role: by.role, label: by.label } : { tokenId: null, role: 'admin', label: 'cli' } },
          recordedAt: this.options.clock().toISOString(),
        },
      ],
      { expectedVersion: 'any' },
    )
    // Refused here from now on, whatever the projection does; other instances within the bound.
    this.revokedHere.add(ref.hash)
    this.cache.delete(ref.hash)
    if (!(await this.options.waitFor(result.position))) {
      throw new UnconfirmedError(`The revocation of token ${tokenId} is recorded and refused here, but not yet confirmed applied; repeat the DELETE to confirm it.`)
    }
  }
}
