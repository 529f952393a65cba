// Bearer tokens. A token is random, shown once, and stored only as its sha256. Issuing and
// revoking are events in the `tokens` stream (so on EventStoreDB every instance sees them);
// the `tokens` read model answers "who is this bearer?" on every request.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Principal, Role } from '../domain/actor.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js'
import { normaliseOwners } from '../domain/values/owners.js'
import type { ReadModelStore } from '../projections/storage/readModelStore.js'
import type { Projection } from '../projections/readModels/runner.js'
import type { EventStore, StoredEvent } from '../store/eventStore.js'
import type { Clock } from './clock.js'
import { newId, sha256Hex } from './ids.js'

export const TOKENS_STREAM = 'tokens'
export const ROLES: readonly Role[] = ['admin', 'commissioner', 'provider', 'auditor']

export interface TokenRecord {
  id: string
  role: Role
  owners: string[]
  label: string | null
  revoked: boolean
  createdAt: string
}

export interface IssuedToken {
  id: string
  token: string
  role: Role
  owners: string[]
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
  /** Waits until the read models have applied a position (read-your-writes). */
  waitFor(position: number): Promise<unknown>
  /**
   * Brings the read models up to the store's head. With several instances on one EventStoreDB,
   * a token minted through another instance may not have reached this one's read model yet.
   */
  catchUp?(): Promise<unknown>
  /** GRIDLEDGER_ADMIN_TOKEN: a bootstrap bearer with the admin role. */
  adminToken?: string
}

export const BOOTSTRAP_TOKEN_ID = 'bootstrap'

const TOKEN_CACHE_SIZE = 10_000

export class TokenService {
  private readonly adminTokenHash: Buffer | null
  /** Principals by token hash, valid while tokensGeneration stays where it was when filled. */
  private readonly cache = new Map<string, Principal | null>()
  private cacheGeneration = -1

  constructor(private readonly options: TokenServiceOptions) {
    this.adminTokenHash = options.adminToken ? Buffer.from(sha256Hex(options.adminToken), 'hex') : null
  }

  /**
   * The principal a bearer token stands for, or null for an unknown or revoked token. An
   * unknown token is looked up once more after catching up with the store.
   */
  async authenticate(token: string): Promise<Principal | null> {
    const known = this.lookup(token)
    if (known !== undefined || !this.options.catchUp) return known ?? null
    await this.options.catchUp()
    return this.lookup(token) ?? null
  }

  /** undefined: never seen; null: revoked. */
  private lookup(token: string): Principal | null | undefined {
    const hash = sha256Hex(token)
    if (this.adminTokenHash && timingSafeEqual(Buffer.from(hash, 'hex'), this.adminTokenHash)) {
      return { tokenId: BOOTSTRAP_TOKEN_ID, role: 'admin', label: 'bootstrap admin token', owners: [] }
    }
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
    return { tokenId: record.id, role: record.role, label: record.label, owners: record.owners }
  }

  async create(input: { role: string; owners?: string[]; label?: string | null }, by: Principal | null): Promise<IssuedToken> {
    if (by && by.role !== 'admin') throw new ForbiddenError('only admins mint tokens')
    if (!ROLES.includes(input.role as Role)) throw ValidationError.field('role', `must be one of ${ROLES.join(', ')}`)
    const role = input.role as Role
    const owners = normaliseOwners(input.owners ?? [])
    if (role === 'provider' && owners.length === 0) throw ValidationError.field('owners', 'a provider token needs at least one owner label')
    if (role !== 'provider' && owners.length > 0) throw ValidationError.field('owners', 'only provider tokens are bound to owner labels')
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
          data: { tokenId: id, tokenHash: sha256Hex(token), role, owners, label },
          metadata: { actor: by ? { tokenId: by.tokenId, role: by.role, label: by.label } : { tokenId: null, role: 'admin', label: 'cli' } },
          recordedAt: this.options.clock().toISOString(),
        },
      ],
      { expectedVersion: 'any' },
    )
    await this.options.waitFor(result.position)
    return { id, token, role, owners, label }
  }

  async revoke(tokenId: string, by: Principal | null): Promise<void> {
    if (by && by.role !== 'admin') throw new ForbiddenError('only admins revoke tokens')
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
    await this.options.waitFor(result.position)
  }
}
