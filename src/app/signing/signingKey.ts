// The server's Ed25519 signing key: the PEM file GRIDLEDGER_SIGNING_KEY names, or, when none
// is named, one kept beside the store, made at first start. A key made here is written with
// mode 0600 and never overwritten: another process that made one first wins, and both use it.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { HeadSigner } from './signedHead.js'

/** Where the key is kept when GRIDLEDGER_SIGNING_KEY is not set: null for a store that keeps nothing (memory:). */
export function defaultSigningKeyPath(storeUrl: string): string | null {
  if (storeUrl.startsWith('sqlite:')) return `${resolve(storeUrl.slice('sqlite:'.length))}.signing-key.pem`
  if (storeUrl.startsWith('memory:')) return null
  return resolve('data', 'gridledger-signing-key.pem')
}

/** Reads the key at `path`, making one there when there is none; `onCreate` is told. */
export function loadOrCreateSigningKey(path: string, onCreate?: (path: string) => void): KeyObject {
  try {
    return createPrivateKey(readFileSync(path, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the signing key ${path}: ${(error as Error).message}`)
  }
  const { privateKey } = generateKeyPairSync('ed25519')
  mkdirSync(dirname(path), { recursive: true })
  try {
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
    onCreate?.(path)
    return privateKey
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return createPrivateKey(readFileSync(path, 'utf8'))
  }
}

/** The signer for a ledger: the named key, else the one beside the store, else (memory:) a key for this process only. */
export function openSigner(options: { keyPath?: string; storeUrl?: string; onCreate?: (path: string) => void }): HeadSigner {
  const path = options.keyPath ?? (options.storeUrl ? defaultSigningKeyPath(options.storeUrl) : null)
  return new HeadSigner(path ? loadOrCreateSigningKey(path, options.onCreate) : generateKeyPairSync('ed25519').privateKey)
}
