// Signed chain heads: the server's Ed25519 signature over "plan P's history, up to version V,
// ends in hash H". Whoever keeps one can later prove that history up to V was not rewritten,
// even by someone who re-hashed the whole chain in the database: they cannot sign the new head
// without the private key. The signature covers the canonical JSON of every field but itself.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { canonicalJson } from '../../store/hashChain.js'

export const SIGNED_HEAD_FORMAT = 'gridledger-chain-head/1'

export interface ChainHead {
  planId: string
  streamId: string
  /** How many of the plan's events the head covers. */
  version: number
  /** The hash of event `version`. */
  head: string
}

export interface SignedHead extends ChainHead {
  format: typeof SIGNED_HEAD_FORMAT
  signedAt: string
  /** sha256 (hex) of the public key's SPKI DER encoding. */
  keyId: string
  /** Ed25519 signature (base64) over the canonical JSON of the other fields. */
  signature: string
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')
}

function signedBytes(head: SignedHead | Omit<SignedHead, 'signature'>): Buffer {
  const { signature: _signature, ...fields } = head as SignedHead
  return Buffer.from(canonicalJson(fields), 'utf8')
}

export class HeadSigner {
  readonly publicKey: KeyObject
  readonly keyId: string

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key must be Ed25519, not ${privateKey.asymmetricKeyType ?? 'symmetric'}`)
    this.publicKey = createPublicKey(privateKey)
    this.keyId = keyIdOf(this.publicKey)
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  }

  sign(head: ChainHead, at: Date): SignedHead {
    const fields = { format: SIGNED_HEAD_FORMAT, planId: head.planId, streamId: head.streamId, version: head.version, head: head.head, signedAt: at.toISOString(), keyId: this.keyId } as const
    return { ...fields, signature: sign(null, signedBytes(fields), this.privateKey).toString('base64') }
  }
}

/** Why a signed head does not verify with `publicKey`, or null when it does. */
export function signedHeadProblem(value: unknown, publicKey: KeyObject): string | null {
  const h = value as Partial<SignedHead> | null
  if (typeof h !== 'object' || h === null || h.format !== SIGNED_HEAD_FORMAT || typeof h.signature !== 'string') return 'it is not a signed chain head'
  if (h.keyId !== keyIdOf(publicKey)) return `it was signed with key ${String(h.keyId).slice(0, 16)}…, not with the key given (${keyIdOf(publicKey).slice(0, 16)}…)`
  try {
    if (verify(null, signedBytes(h as SignedHead), publicKey, Buffer.from(h.signature, 'base64'))) return null
  } catch {
    // a malformed signature is a bad one
  }
  return 'its signature does not verify'
}

/** A public key from PEM text, or from GET /v1/keys's JSON (its first key, or the one with `keyId`). */
export function publicKeyFrom(text: string, keyId?: string): KeyObject {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    const doc = JSON.parse(trimmed) as { items?: Array<{ keyId: string; publicKey: string }>; publicKey?: string }
    const items = doc.items ?? (doc.publicKey ? [doc as { keyId: string; publicKey: string }] : [])
    const item = keyId ? items.find(i => i.keyId === keyId) : items[0]
    if (!item) throw new Error('no public key in that JSON')
    return createPublicKey(item.publicKey)
  }
  return createPublicKey(trimmed)
}
