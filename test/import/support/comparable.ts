// A plan read with what differs between two imports of the same plan left out: ids, instants,
// read-time hints, and (where the two sources differ in kind, as text and Word do) `source`.
const VARYING = ['asOf', 'effectiveOn', 'recordedAt', 'tokenId', 'suggestedRag']

export function comparable(value: unknown, ignore: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map(v => comparable(v, ignore))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'id' && !/^[a-z]+Id$/.test(k) && !VARYING.includes(k) && !ignore.includes(k))
        .map(([k, v]) => [k, comparable(v, ignore)]),
    )
  }
  return value
}
