// Names that must give the same UUID every time (an imported document's plan id, an event id
// that EventStoreDB needs as a UUID): one derivation, shared by the application and the stores.
import { createHash } from 'node:crypto'

/** A UUID (version 8 layout: sha256-based, RFC 9562) derived from a name: the same parts always give the same id. */
export function derivedId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex')
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}
