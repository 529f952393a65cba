/** The caller's If-Match names a version the plan has moved past. */
export class PreconditionFailedError extends Error {
  constructor(readonly expected: number, readonly actual: number) {
    super(`plan is at version ${actual}, If-Match names ${expected}`)
    this.name = 'PreconditionFailedError'
  }
}

/** Too many concurrent writers kept beating this command to the plan; the caller may retry. */
export class ContentionError extends Error {
  constructor(readonly planId: string) {
    super(`plan ${planId} is being changed by many writers at once; retry`)
    this.name = 'ContentionError'
  }
}

/**
 * Something this instance must confirm before it answers (that its tokens are current, that a
 * revocation is applied) could not be confirmed in time: 503, and the caller retries.
 */
export class UnconfirmedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnconfirmedError'
  }
}

export { AppendQuotaExceededError } from './appendQuota.js'

// The store's failures a caller may meet through the application layer, so the HTTP layer can
// map them to answers without importing the store.
export { AppendTooLargeError, DuplicateEventError, StoreUnavailableError, VersionConflictError } from '../store/eventStore.js'
