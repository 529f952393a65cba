// Roles and what each may do with a plan: the one list every layer (decider, token service,
// request schemas, route guards, CLI) reads.

export const ROLES = ['admin', 'commissioner', 'provider', 'auditor'] as const
export type Role = (typeof ROLES)[number]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** Edit a plan's structure, set RAG ratings, import plans. */
export const PLAN_EDITORS: readonly Role[] = ['admin', 'commissioner']
/** Record progress and RAG on actions: editors, and providers on the actions their labels own. */
export const PLAN_REPORTERS: readonly Role[] = [...PLAN_EDITORS, 'provider']
/** Read a plan's audit trail (history, integrity). */
export const AUDIT_READERS: readonly Role[] = ['admin', 'commissioner', 'auditor']
/** Roles whose tokens may be scoped to partnerships (API.md, "Partnership scoping"). */
export const PARTNERSHIP_SCOPED_ROLES: readonly Role[] = ['commissioner', 'auditor']
/** Mint and revoke tokens. */
export const TOKEN_ADMINS: readonly Role[] = ['admin']

export function isPlanEditor(role: Role): boolean {
  return PLAN_EDITORS.includes(role)
}
