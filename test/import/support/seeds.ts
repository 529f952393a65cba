// Shared helpers for the importer tests: the seed fixtures, counts, spot checks, and folding
// the commands an import produces through the real decider.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import type { Principal } from '../../../src/domain/actor.js'
import type { PlanCommand } from '../../../src/domain/commands.js'
import type { PlanEvent } from '../../../src/domain/events.js'
import { decideCommand, evolve, initialState, type PlanDecisionState } from '../../../src/domain/planDecider.js'
import { deriveDue } from '../../../src/domain/values/due.js'
import { parseFinancialYear } from '../../../src/domain/values/financialYear.js'
import { parseMoney } from '../../../src/domain/values/money.js'
import { parsePlanDocument, planCommands, type ParsedAction, type ParsedPlan, type ParseResult } from '../../../src/import/index.js'

export const SEEDS = {
  ealing: 'ealing-2006-07.txt',
  slough: 'slough-2009-10.txt',
  staffordshire: 'staffordshire-2003-04.txt',
  doncaster: 'doncaster-2017-18.txt',
} as const

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url)), 'utf8')
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export function parseOk(t: Test, text: string): { plan: ParsedPlan; warnings: Extract<ParseResult, { ok: true }>['warnings'] } {
  const result = parsePlanDocument(text)
  if (!result.ok) {
    t.fail(`refused: ${result.reason}`)
    throw new Error(result.reason)
  }
  return { plan: result.plan, warnings: result.warnings }
}

/** Actions per objective, per grid: [[2, 3], [6]] is two grids. */
export function actionCounts(plan: ParsedPlan): number[][] {
  return plan.grids.map(g => g.objectives.map(o => o.actions.length))
}

export function action(plan: ParsedPlan, grid: number, objective: number, index: number): ParsedAction {
  const g = plan.grids.find(x => x.number === grid)
  if (!g) throw new Error(`no grid ${grid}`)
  const o = g.objectives[objective - 1]
  if (!o) throw new Error(`grid ${grid} has no objective #${objective}`)
  const a = o.actions[index - 1]
  if (!a) throw new Error(`grid ${grid} objective #${objective} has no action #${index}`)
  return a
}

export interface SpotCheck {
  /** Where: grid number, objective position (1-based), action position (1-based). */
  at: [number, number, number]
  number?: string | null
  text: string | RegExp
  due: string
  /** The period the domain's Due derives from the words (omit when the words are too loose to pin down). */
  dueFrom?: string | null
  dueTo?: string | null
  byWhom?: string
  owners?: string[]
  cost: string
  /** Pence the domain's Money reads from the cost words (null: no amount). */
  pence?: number | null
  line?: number
}

export function spotCheck(t: Test, plan: ParsedPlan, check: SpotCheck): void {
  const [g, o, i] = check.at
  const a = action(plan, g, o, i)
  const where = `grid ${g} objective #${o} action #${i}`
  if (check.number !== undefined) t.equal(a.number, check.number, `${where}: number`)
  if (typeof check.text === 'string') t.equal(a.text, check.text, `${where}: text`)
  else t.match(a.text, check.text, `${where}: text`)
  t.equal(a.due, check.due, `${where}: by when as written`)
  if (check.byWhom !== undefined) t.equal(a.byWhom, check.byWhom, `${where}: by whom as written`)
  if (check.owners !== undefined) t.same(a.owners, check.owners, `${where}: owners`)
  t.equal(a.cost, check.cost, `${where}: cost as written`)
  if (check.line !== undefined) t.equal(a.line, check.line, `${where}: source line`)
  const due = deriveDue(a.due, parseFinancialYear(plan.year))
  t.equal(due.text, a.due, `${where}: Due keeps the words`)
  if (check.dueFrom !== undefined) t.equal(due.from, check.dueFrom, `${where}: due from`)
  if (check.dueTo !== undefined) t.equal(due.to, check.dueTo, `${where}: due to`)
  if (check.pence !== undefined) t.equal(parseMoney(a.cost).pence, check.pence, `${where}: pence`)
}

export const IMPORT_ACTOR: Principal = { tokenId: null, role: 'commissioner', label: 'import', owners: [] }
export const TODAY = '2026-11-23'

/** Runs every command through decide and evolves the state with its events; throws on the first refusal. */
export function decideAll(commands: PlanCommand[], today = TODAY): { state: PlanDecisionState; events: PlanEvent[] } {
  const state = initialState()
  const events: PlanEvent[] = []
  commands.forEach((command, i) => {
    let decided: PlanEvent[]
    try {
      decided = decideCommand(command, state, { actor: IMPORT_ACTOR, today })
    } catch (e) {
      throw new Error(`command #${i} ${command.type} refused: ${(e as Error).message} — ${JSON.stringify(command).slice(0, 300)}`)
    }
    for (const event of decided) {
      evolve(state, event)
      events.push(event)
    }
  })
  return { state, events }
}

export function importCommands(text: string, plan: ParsedPlan, today = TODAY): PlanCommand[] {
  let n = 0
  return planCommands(plan, { planId: 'plan-1', newId: () => `id-${++n}`, document: sha256(text), today })
}

/** Checks every seed must pass: merged continuations, no headers or tags in actions, warnings with lines. */
export function generalChecks(t: Test, plan: ParsedPlan, warnings: Array<{ line: number; message: string }>, lineCount: number): void {
  const headerWords = /^(?:by when|by whom|costs?(?:\/budget)?|actions? and milestones(?: for objective.*)?|key milestones|rag|box \d+.*)$/i
  for (const g of plan.grids) {
    for (const o of g.objectives) {
      t.ok(o.text.trim().length > 0, `grid ${g.number}: objective ${o.number} has text`)
      for (const a of o.actions) {
        const where = `grid ${g.number} objective ${o.number ?? '-'} action ${a.number ?? a.text.slice(0, 30)}`
        // A row starting in lower case is a continuation, merged into the action above — unless the
        // row carries its own number ("7. work towards …" is Slough's own action 7).
        if (/^\p{Ll}/u.test(a.text)) t.ok(a.number !== null, `${where}: lower-case start only for a numbered action`)
        t.notMatch(a.text, /<\/?[a-z][^>]*>/i, `${where}: no HTML tag in text`)
        t.notMatch(a.text, /&(?:amp|lt|gt|nbsp|#\d+);/, `${where}: no HTML entity in text`)
        for (const field of [a.text, a.due, a.cost, a.byWhom]) {
          t.notOk(headerWords.test(field.trim()), `${where}: "${field}" is not a table header`)
          t.notMatch(field, /\t|\|/, `${where}: no cell separators left`)
          t.notMatch(field, /[\uE000-\uF8FF\uFFFD]/, `${where}: no stray glyphs`)
        }
        t.notMatch(a.text, /\bBy when\b.*\bBy whom\b/i, `${where}: no header row inside the text`)
        t.ok(a.line >= 1 && a.line <= lineCount, `${where}: line within the document`)
      }
    }
  }
  for (const w of warnings) {
    t.ok(Number.isInteger(w.line) && w.line >= 1 && w.line <= lineCount, `warning has a line number: ${w.line} ${w.message}`)
    t.ok(w.message.length > 0)
  }
}
