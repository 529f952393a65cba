// Shapes of the value objects shared by the domain, the projections, the API and the importer.

export type Rag = 'red' | 'amber' | 'green'
export const RAGS: readonly Rag[] = ['red', 'amber', 'green']

export type ProgressStatus = 'not_started' | 'in_progress' | 'completed' | 'deferred' | 'ongoing'
export const PROGRESS_STATUSES: readonly ProgressStatus[] = ['not_started', 'in_progress', 'completed', 'deferred', 'ongoing']

/** "By when" as written, plus the period it names where one can be derived. */
export interface Due {
  text: string
  from: string | null
  to: string | null
}

/** "Costs/budget" as written, plus the amount in pence where the words hold one. */
export interface Money {
  text: string
  pence: number | null
}
