// The server's Ed25519 signing key: the PEM file GRIDLEDGER_SIGNING_KEY names, or, when none
// is named, one kept beside the store, made at first start. A key made here is written with
// mode 0600 and never overwritten: another process that made one first wins, and both use it.
// It is made durable before it is used (synced, then linked into place, then the folder synced): a
// power cut must leave either no key or the whole key, never a torn file the next start cannot read.
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
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
    writeDurablyOnce(path, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)
    onCreate?.(path)
    return privateKey
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return createPrivateKey(readFileSync(path, 'utf8'))
  }
}

/** Writes `text` to `path` (mode 0600) only if `path` does not exist (EEXIST otherwise), synced whole before it appears. */
function writeDurablyOnce(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  const fd = openSync(temporary, 'wx', 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    linkSync(temporary, path) // atomic and exclusive: EEXIST when another process linked its key first
  } finally {
    unlinkSync(temporary)
  }
  const folder = openSync(dirname(path), 'r')
  try {
    fsyncSync(folder)
  } finally {
    closeSync(folder)
  }
}

/** The signer for a ledger: the named key, else the one beside the store, else (memory:) a key for this process only. */
export function openSigner(options: { keyPath?: string; storeUrl?: string; onCreate?: (path: string) => void }): HeadSigner {
  const path = options.keyPath ?? (options.storeUrl ? defaultSigningKeyPath(options.storeUrl) : null)
  return new HeadSigner(path ? loadOrCreateSigningKey(path, options.onCreate) : generateKeyPairSync('ed25519').privateKey)
}
