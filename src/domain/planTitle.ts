/** The title of a plan whose creator gave none: the national template's own heading. */
export function defaultPlanTitle(year: string): string {
  return `Adult drug treatment plan ${year}`
}
