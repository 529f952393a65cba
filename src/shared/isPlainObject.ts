// What counts as a JSON object wherever untyped data is checked (an append's payloads, what
// EventStoreDB hands back, a line of an exported file): one test, shared by every layer.

/** A JSON object: not null, not an array, not binary. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}
