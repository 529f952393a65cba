// Shared helpers for the layout documents (test/fixtures/layouts/): plans written in layouts the
// seeds do not use. Each test reads its document twice: with the parser (warnings with their
// lines, the words as written) and through the app as a user imports it (POST /v1/imports, a dry
// run first), then reads the recorded plan back (GET /v1/plans/{id}) for owners, dates, pence, RAG.
import type { Test } from 'tap'
import { parsePlanDocument, type ParsedPlan } from '../../../src/import/index.js'
import { startHarness } from '../../support/harness.js'
import { comparable } from '../support/comparable.js'
import { fixture } from '../support/seeds.js'

export function layout(name: string): string {
  return fixture(`layouts/${name}`)
}

export interface Parsed {
  plan: ParsedPlan
  /** "line N: message", in the order the reader gave them. */
  warnings: string[]
}

export function parsed(t: Test, text: string): Parsed {
  const result = parsePlanDocument(text)
  if (!result.ok) {
    t.fail(`refused: ${result.reason}`)
    throw new Error(result.reason)
  }
  return { plan: result.plan, warnings: result.warnings.map(w => `line ${w.line}: ${w.message}`) }
}

/** Grids as [number, title, [[objective number, actions]…]]: the hand count in one value. */
export function shape(plan: ParsedPlan): Array<[number, string, Array<[string | null, number]>]> {
  return plan.grids.map(g => [g.number, g.title, g.objectives.map(o => [o.number, o.actions.length] as [string | null, number])])
}

/** An action of the recorded plan (GET /v1/plans/{id}) by grid number and 1-based positions. */
export interface RecordedAction {
  number: string | null
  text: string
  due: { text: string; from: string | null; to: string | null }
  owners: string[]
  cost: { text: string; pence: number | null } | null
  rag: 'red' | 'amber' | 'green' | null
}

export interface RecordedPlan {
  partnership: string
  year: string
  grids: Array<{ number: number; title: string; objectives: Array<{ number: string | null; text: string; outcomes: string[]; actions: RecordedAction[] }> }>
}

export function recordedAction(plan: RecordedPlan, grid: number, objective: number, action: number): RecordedAction {
  const g = plan.grids.find(x => x.number === grid)
  const a = g?.objectives[objective - 1]?.actions[action - 1]
  if (!a) throw new Error(`no action #${action} in objective #${objective} of grid ${grid}`)
  return a
}

/**
 * Imports the document as a user does: a dry run (which must record nothing), then the import;
 * reads the plan back. Checks the dry run shows exactly what was recorded, with the same counts.
 */
export async function importThroughTheApp(t: Test, document: string | Buffer, contentType = 'text/plain; charset=utf-8'): Promise<{ counts: { grids: number; objectives: number; actions: number }; warnings: string[]; plan: RecordedPlan }> {
  const h = await startHarness()
  t.teardown(() => h.close())
  const post = (query = '') => h.request({ method: 'POST', url: `/v1/imports${query}`, payload: document, headers: { 'content-type': contentType } })
  const before = await h.store.headPosition()
  const dry = await post('?dryRun=true')
  t.equal(dry.statusCode, 200, `dry run: ${dry.body.slice(0, 300)}`)
  t.equal(await h.store.headPosition(), before, 'the dry run records nothing')
  const real = await post()
  t.equal(real.statusCode, 201, `import: ${real.body.slice(0, 300)}`)
  const result = real.json()
  t.same(result.counts, dry.json().counts, 'the dry run counts what the import records')
  t.same(result.warnings, dry.json().warnings, 'the dry run gives the import\'s warnings')
  const plan = (await h.request({ method: 'GET', url: `/v1/plans/${result.planId}` })).json()
  // A Word document's dry run also says where each value came from (`source`); the plan read does not.
  t.same(comparable(plan), comparable(dry.json().plan, ['source']), 'the dry run shows exactly what the import recorded')
  return { counts: result.counts, warnings: result.warnings, plan }
}
