import type { Role } from './roles.js'

export type { Role }

/** Who did something. Recorded on every event. */
export interface Actor {
  /** Token id (never the token itself); null for the bootstrap admin token and the CLI. */
  tokenId: string | null
  role: Role
  /** Free text: the token's label, or "import" for imported content. */
  label: string | null
}

/** The actor plus what authorisation needs but the history does not: a provider's owner labels, a scoped token's partnerships. */
export interface Principal extends Actor {
  owners: string[]
  /** Commissioner and auditor tokens scoped to these partnerships see and change only their plans; absent or empty: every plan. */
  partnerships?: readonly string[]
}
