// Route guards by role: the domain's role rules under the names the routes read.
import { AUDIT_READERS as AUDIT, PLAN_EDITORS, PLAN_REPORTERS, ROLES, TOKEN_ADMINS, type Role } from '../../domain/roles.js'

export const EVERYONE: readonly Role[] = ROLES
export const EDITORS = PLAN_EDITORS
/** Provider commands are further limited to actions they own, object by object, in the domain. */
export const REPORTERS = PLAN_REPORTERS
export const AUDIT_READERS = AUDIT
export const ADMINS = TOKEN_ADMINS
