import type { Role } from '../../domain/actor.js'

export const EVERYONE: readonly Role[] = ['admin', 'commissioner', 'provider', 'auditor']
export const EDITORS: readonly Role[] = ['admin', 'commissioner']
/** Provider commands are further limited to actions they own, object by object, in the domain. */
export const REPORTERS: readonly Role[] = ['admin', 'commissioner', 'provider']
export const AUDIT_READERS: readonly Role[] = ['admin', 'commissioner', 'auditor']
export const ADMINS: readonly Role[] = ['admin']
