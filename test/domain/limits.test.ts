// Every field of a command is bounded, by the domain's own limits (domain/limits.ts), and the
// request schemas refuse past the same numbers.
import t from 'tap'
import { ConflictError, ValidationError } from '../../src/domain/errors.js'
import type { PlanEvent } from '../../src/domain/events.js'
import { MAX_BUDGET_LINES, MAX_ITEM_NUMBER, MAX_OUTCOMES, MAX_OWNERS_PER_ACTION, MAX_OWNERS_PER_TOKEN, MAX_SHORT_TEXT, MAX_TEXT } from '../../src/domain/limits.js'
import * as schemas from '../../src/http/schemas.js'
import { given } from './support/givenWhenThen.js'

const P = 'plan-1'
const created: PlanEvent = { type: 'PlanCreated', data: { planId: P, partnership: 'Ealing DAAT', year: '2008/09', title: 'Plan' } }
const grid: PlanEvent = { type: 'GridAdded', data: { planId: P, gridId: 'g1', number: 1, title: 'Harm reduction' } }
const objective: PlanEvent = { type: 'ObjectiveAdded', data: { planId: P, gridId: 'g1', objectiveId: 'o1', number: '1', text: 'Reduce deaths', outcomes: [] } }
const labels = (n: number, prefix = 'Agency') => Array.from({ length: n }, (_, i) => `${prefix} ${i}`)
const actionWith = (owners: string[]): PlanEvent => ({
  type: 'ActionAdded',
  data: {
    planId: P, gridId: 'g1', objectiveId: 'o1', actionId: 'a1', number: null, text: 'Train staff',
    due: { text: '', from: null, to: null }, owners, cost: { text: '', pence: null },
  },
})
const ids = { planId: P, gridId: 'g1', objectiveId: 'o1', actionId: 'a1' }

t.test(`an action has at most ${MAX_OWNERS_PER_ACTION} owners`, async t => {
  const add = (owners: string[]) => ({ type: 'AddAction' as const, objectiveId: 'o1', actionId: 'a1', text: 'Train staff', owners })
  given(t, [created, grid, objective]).when(add(labels(MAX_OWNERS_PER_ACTION + 1))).thenThrows(ValidationError, { errors: [{ path: 'owners', message: /at most 50 owners/ }] })
  given(t, [created, grid, objective]).when(add([...labels(MAX_OWNERS_PER_ACTION), 'agency 0'])).then([actionWith(labels(MAX_OWNERS_PER_ACTION))], 'duplicates do not count')
  given(t, [created, grid, objective, actionWith(labels(MAX_OWNERS_PER_ACTION))])
    .when({ type: 'AssignOwner', actionId: 'a1', owner: 'One more' })
    .thenThrows(ConflictError, /owner: action a1 already has 50 owners/)
  given(t, [created, grid, objective, actionWith(labels(MAX_OWNERS_PER_ACTION))])
    .when({ type: 'AssignOwner', actionId: 'a1', owner: 'AGENCY 3' })
    .then([], 'an owner already there is still no change')
  given(t, [created, grid, objective, actionWith(labels(MAX_OWNERS_PER_ACTION - 1))])
    .when({ type: 'AssignOwner', actionId: 'a1', owner: 'Last one' })
    .then([{ type: 'OwnerAssigned', data: { ...ids, owner: 'Last one' } }])
})

t.test('budget lines are bounded like every other field', async t => {
  const line = (label: string, text = '£1,000') => ({ label, plannedLastYear: null, likelyLastYear: null, plannedThisYear: { text, pence: 100000 } })
  const budget = (lines: unknown[]) => ({ type: 'RecordGridBudget' as const, gridId: 'g1', lines: lines as never })
  given(t, [created, grid]).when(budget([line('x'.repeat(MAX_SHORT_TEXT + 1))])).thenThrows(ValidationError, { errors: [{ path: 'lines.0.label' }] })
  given(t, [created, grid]).when(budget([line('Total', '£'.repeat(MAX_SHORT_TEXT + 1))])).thenThrows(ValidationError, { errors: [{ path: 'lines.0.plannedThisYear.text' }] })
  given(t, [created, grid]).when(budget(Array.from({ length: MAX_BUDGET_LINES + 1 }, () => line('Line')))).thenThrows(ValidationError, { errors: [{ path: 'lines', message: /at most 200/ }] })
  given(t, [created, grid]).when(budget([{ ...line('Total'), likelyLastYear: { text: '£1', pence: 1.5 } }])).thenThrows(ValidationError, { errors: [{ path: 'lines.0.likelyLastYear.pence' }] })
  given(t, [created, grid]).when(budget(['Total'])).thenThrows(ValidationError, { errors: [{ path: 'lines.0' }] })
  const lines = Array.from({ length: MAX_BUDGET_LINES }, () => line(' Total ', 'x'.repeat(MAX_SHORT_TEXT)))
  given(t, [created, grid]).when(budget(lines)).then([{ type: 'GridBudgetRecorded', data: { planId: P, gridId: 'g1', lines } }], 'at the limits, kept exactly as written')
})

t.test('outcomes and narrative sections are bounded too', async t => {
  given(t, [created, grid]).when({ type: 'AddObjective', gridId: 'g1', objectiveId: 'o2', text: 'x', outcomes: labels(MAX_OUTCOMES + 1) }).thenThrows(ValidationError, { errors: [{ path: 'outcomes' }] })
  given(t, [created, grid]).when({ type: 'RecordGridNarrative', gridId: 'g1', section: 'anything' as never, text: 'x' }).thenThrows(ValidationError, { errors: [{ path: 'section' }] })
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'X', year: '2008/09', source: { document: 'd'.repeat(MAX_SHORT_TEXT + 1), sha256: 'ab' } }).thenThrows(ValidationError, { errors: [{ path: 'source.document' }] })
})

t.test('the request schemas refuse past the same limits', async t => {
  const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown, what: string) => t.ok(schema.safeParse(value).success, `${what}: at the limit`)
  const no = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown, what: string) => t.notOk(schema.safeParse(value).success, `${what}: past the limit`)
  const long = (n: number) => 'x'.repeat(n)
  ok(schemas.AddAction, { text: long(MAX_TEXT), owners: labels(MAX_OWNERS_PER_ACTION), due: long(MAX_SHORT_TEXT), cost: long(MAX_SHORT_TEXT), number: long(MAX_ITEM_NUMBER) }, 'AddAction')
  no(schemas.AddAction, { text: long(MAX_TEXT + 1) }, 'AddAction text')
  no(schemas.AddAction, { text: 'x', owners: labels(MAX_OWNERS_PER_ACTION + 1) }, 'AddAction owners')
  no(schemas.AddAction, { text: 'x', owners: [long(MAX_SHORT_TEXT + 1)] }, 'AddAction owner label')
  no(schemas.AddAction, { text: 'x', due: long(MAX_SHORT_TEXT + 1) }, 'AddAction due')
  no(schemas.AddAction, { text: 'x', number: long(MAX_ITEM_NUMBER + 1) }, 'AddAction number')
  ok(schemas.AddObjective, { text: 'x', outcomes: labels(MAX_OUTCOMES) }, 'AddObjective outcomes')
  no(schemas.AddObjective, { text: 'x', outcomes: labels(MAX_OUTCOMES + 1) }, 'AddObjective outcomes')
  ok(schemas.CreateToken, { role: 'provider', owners: labels(MAX_OWNERS_PER_TOKEN) }, 'CreateToken owners')
  no(schemas.CreateToken, { role: 'provider', owners: labels(MAX_OWNERS_PER_TOKEN + 1) }, 'CreateToken owners')
  no(schemas.ReportProgress, { effectiveDate: '2008-06-30', note: long(MAX_TEXT + 1) }, 'ReportProgress note')
  no(schemas.CreatePlan, { partnership: long(MAX_SHORT_TEXT + 1), year: '2008/09' }, 'CreatePlan partnership')
})

