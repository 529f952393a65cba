// The SSRF guard for webhook URLs: only https:// to public addresses, unless private networks are
// allowed (GRIDLEDGER_WEBHOOK_ALLOW_PRIVATE=1, for tests and private deployments). A URL is checked
// when it is subscribed and its name is resolved and checked again at every delivery, and the
// connection goes to the very address that was checked (guardedLookup), so a name that resolves
// elsewhere later (DNS rebinding) cannot reach an internal service.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'

/** Resolves a host name to every address it has (node:dns lookup with `all: true`). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>

export const systemResolver: Resolver = hostname =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))))

export interface AddressPolicy {
  /** http:// and private, loopback and link-local addresses too. */
  allowPrivate: boolean
  resolve: Resolver
}

/** A URL or an address the policy refuses; the message says why, for a person. */
export class RefusedAddressError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RefusedAddressError'
  }
}

/** True for an address on the public internet: ipaddr.js's "unicast" range, IPv4-mapped IPv6 judged as its IPv4 address. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false
  let parsed = ipaddr.parse(address)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  return parsed.range() === 'unicast'
}

/** The URL's scheme and form, before any name is resolved; returns the parsed URL. */
export function checkUrlForm(url: string, policy: Pick<AddressPolicy, 'allowPrivate'>): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new RefusedAddressError('must be an absolute URL')
  }
  const schemes = policy.allowPrivate ? ['https:', 'http:'] : ['https:']
  if (!schemes.includes(parsed.protocol)) throw new RefusedAddressError(policy.allowPrivate ? 'must be an http:// or https:// URL' : 'must be an https:// URL')
  if (parsed.username || parsed.password) throw new RefusedAddressError('must not carry a user name or password')
  return parsed
}

/** The URL's host without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

/** Every address the host resolves to, refused when one of them is not public (unless the policy allows private ones). */
export async function checkedAddresses(hostname: string, policy: AddressPolicy): Promise<LookupAddress[]> {
  const addresses: LookupAddress[] = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await resolveOrRefuse(hostname, policy.resolve)
  if (addresses.length === 0) throw new RefusedAddressError(`${hostname} does not resolve to any address`)
  if (!policy.allowPrivate) {
    const inner = addresses.find(a => !isPublicAddress(a.address))
    if (inner) throw new RefusedAddressError(`${hostname === inner.address ? inner.address : `${hostname} resolves to ${inner.address}, which`} is not a public address (private, loopback, link-local or reserved)`)
  }
  return addresses
}

/** A name that has not resolved by then is refused (a hung resolver must not hold a request or a delivery). */
const RESOLVE_TIMEOUT_MS = 3_000

async function resolveOrRefuse(hostname: string, resolve: Resolver): Promise<LookupAddress[]> {
  let timer: NodeJS.Timeout | undefined
  try {
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: `no answer within ${RESOLVE_TIMEOUT_MS} ms` })), RESOLVE_TIMEOUT_MS)
    })
    return await Promise.race([resolve(hostname), late])
  } catch (error) {
    throw new RefusedAddressError(`${hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  } finally {
    clearTimeout(timer)
  }
}

/** Checks a URL as a subscription is made: its form, then the addresses its host has now. */
export async function checkWebhookUrl(url: string, policy: AddressPolicy): Promise<URL> {
  const parsed = checkUrlForm(url, policy)
  await checkedAddresses(bareHost(parsed), policy)
  return parsed
}

/**
 * A `lookup` for http.request: resolves through the policy's resolver, refuses a host with any
 * address the policy does not allow, and hands the socket the first checked address, so the
 * address connected to is one that was checked.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    checkedAddresses(hostname.replace(/^\[(.*)\]$/, '$1'), policy).then(
      addresses => {
        const wanted = typeof options === 'object' && options.family ? addresses.filter(a => a.family === options.family) : addresses
        const list = wanted.length > 0 ? wanted : addresses
        if (typeof options === 'object' && options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list)
        else callback(null, list[0].address, list[0].family)
      },
      (error: Error) => callback(Object.assign(error, { code: 'EWEBHOOKREFUSED' }) as NodeJS.ErrnoException, '', 0),
    )
  }
}
