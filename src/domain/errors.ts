// Typed domain errors. The HTTP layer maps each class to a status code; the domain
// itself knows nothing of HTTP.

export interface FieldError {
  /** Dotted path of the offending field, e.g. "percentComplete" or "owners.1". */
  path: string
  message: string
}

export abstract class DomainError extends Error {
  abstract readonly kind: 'validation' | 'not_found' | 'conflict' | 'forbidden'
  /** In a batch of commands, the 0-based position of the one refused (set by whoever decides the batch). */
  commandIndex?: number
}

/** Input that can never be valid (bad date, percent out of range, unknown RAG…). */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const
  constructor(readonly errors: FieldError[]) {
    super(errors.map(e => `${e.path}: ${e.message}`).join('; '))
    this.name = 'ValidationError'
  }
  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }])
  }
}

/** The command names something (plan, grid, objective, action) that does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} ${id} does not exist`)
    this.name = 'NotFoundError'
  }
}

/** Valid input that clashes with the plan's current state (duplicate grid number…). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const
  constructor(message: string, readonly path?: string) {
    super(message)
    this.name = 'ConflictError'
  }
}

/** The actor's role or ownership does not allow this command on this object. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const
  constructor(message: string) {
    super(message)
    this.name = 'ForbiddenError'
  }
}
