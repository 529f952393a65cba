// Which EventStoreDB client errors mean "the store is unavailable right now" (and become
// StoreUnavailableError: never a hang, never an acknowledgement of an unconfirmed append).
import { CancelledError, DeadlineExceededError, NotLeaderError, TimeoutError, UnavailableError } from '@eventstore/db-client'
import { AppendTooLargeError, DuplicateEventError, IdempotencyKeyTakenError, StoreUnavailableError, VersionConflictError } from '../eventStore.js'

/** Errors of the connection rather than of the request: the store is unavailable right now. */
export function isTransient(error: unknown): boolean {
  // Our own timeouts carry no cause; a wrapped client error is judged by its cause.
  if (error instanceof StoreUnavailableError) return error.cause === undefined || isTransient(error.cause)
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError ||
    error instanceof TimeoutError
  ) return true
  const code = (error as { code?: unknown } | null)?.code
  return code === 14 || code === 4 || code === 1 || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE'
}

/** The port's own errors pass through; anything else from the client is StoreUnavailableError. */
export function unavailable(error: unknown, what: string): Error {
  if (
    error instanceof StoreUnavailableError ||
    error instanceof VersionConflictError ||
    error instanceof IdempotencyKeyTakenError ||
    error instanceof DuplicateEventError ||
    error instanceof AppendTooLargeError ||
    error instanceof TypeError
  ) return error
  const message = error instanceof Error ? error.message : String(error)
  return new StoreUnavailableError(`EventStoreDB ${what} failed: ${message}`, error)
}
