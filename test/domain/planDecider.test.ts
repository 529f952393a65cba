import t from 'tap'
import type { Principal } from '../../src/domain/actor.js'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.js'
import type { PlanEvent } from '../../src/domain/events.js'
import { canSee, decideCommand, fold, planOwnerLabels } from '../../src/domain/planDecider.js'
import { commissioner, given, TODAY } from './support/givenWhenThen.js'

const P = 'plan-1'
const provider: Principal = { tokenId: 'tok-p', role: 'provider', label: 'CNWL system', owners: ['cnwl'] }
const otherProvider: Principal = { tokenId: 'tok-q', role: 'provider', label: 'WDP', owners: ['WDP'] }
const auditor: Principal = { tokenId: 'tok-a', role: 'auditor', label: 'Internal audit', owners: [] }

const created: PlanEvent = { type: 'PlanCreated', data: { planId: P, partnership: 'Ealing DAAT', year: '2008/09', title: 'Adult drug treatment plan 2008/09' } }
const grid: PlanEvent = { type: 'GridAdded', data: { planId: P, gridId: 'g1', number: 1, title: 'Harm reduction' } }
const objective: PlanEvent = { type: 'ObjectiveAdded', data: { planId: P, gridId: 'g1', objectiveId: 'o1', number: '1', text: 'Reduce drug related deaths', outcomes: [] } }
const action: PlanEvent = {
  type: 'ActionAdded',
  data: {
    planId: P, gridId: 'g1', objectiveId: 'o1', actionId: 'a1', number: '1.1', text: 'Train staff in naloxone',
    due: { text: 'Qtr 2', from: '2008-07-01', to: '2008-09-30' }, owners: ['CNWL', 'DM'], cost: { text: '£4,400', pence: 440000 },
  },
}
const plan = [created, grid, objective, action]
const ids = { planId: P, gridId: 'g1', objectiveId: 'o1', actionId: 'a1' }

t.test('CreatePlan', async t => {
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: ' Ealing DAAT ', year: '2008/09' }).then([
    { type: 'PlanCreated', data: { planId: P, partnership: 'Ealing DAAT', year: '2008/09', title: 'Adult drug treatment plan 2008/09' } },
  ], 'partnership trimmed, default title from the year')
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'Slough DAAT', year: '2009/10', title: 'Part 3' }).then([
    { type: 'PlanCreated', data: { planId: P, partnership: 'Slough DAAT', year: '2009/10', title: 'Part 3' } },
  ])
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'Croydon', year: '2007/08', published: '2007-10-01' }).then([
    { type: 'PlanCreated', data: { planId: P, partnership: 'Croydon', year: '2007/08', title: 'Adult drug treatment plan 2007/08', published: '2007-10-01' } },
  ], 'the publication date is kept')
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'X', year: '2008/09', published: '2007-02-30' }).thenThrows(ValidationError, { errors: [{ path: 'published' }] }, 'not a real date')
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'X', year: '2008/09', published: '1 October 2007' }).thenThrows(ValidationError, { errors: [{ path: 'published' }] }, 'not ISO')
  given(t, [created]).when({ type: 'CreatePlan', planId: P, partnership: 'X', year: '2008/09' }).thenThrows(ConflictError, /already exists/)
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'X', year: '2008/10' }).thenThrows(ValidationError, { errors: [{ path: 'year' }] })
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'X', year: '08/09' }).thenThrows(ValidationError, { errors: [{ path: 'year' }] })
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: '  ', year: 'nope' }).thenThrows(ValidationError, { errors: [{ path: 'partnership' }, { path: 'year' }] }, 'every bad field is named at once')
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'X', year: '2008/09' }, provider).thenThrows(ForbiddenError)
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'X', year: '2008/09' }, auditor).thenThrows(ForbiddenError)
})

t.test('AddGrid', async t => {
  given(t, [created]).when({ type: 'AddGrid', gridId: 'g1', number: 1, title: ' Harm reduction ' }).then([grid])
  given(t, [created, grid]).when({ type: 'AddGrid', gridId: 'g2', number: 1, title: 'Again' }).thenThrows(ConflictError, /grid number 1/)
  given(t, [created]).when({ type: 'AddGrid', gridId: 'g1', number: 1.5, title: 'x' }).thenThrows(ValidationError, { errors: [{ path: 'number' }] })
  given(t, [created]).when({ type: 'AddGrid', gridId: 'g1', number: 2, title: '' }).thenThrows(ValidationError, { errors: [{ path: 'title' }] })
  given(t, []).when({ type: 'AddGrid', gridId: 'g1', number: 1, title: 'x' }).thenThrows(NotFoundError, /plan/)
})

t.test('grid material: narrative, self-assessment, budget', async t => {
  given(t, [created, grid]).when({ type: 'RecordGridNarrative', gridId: 'g1', section: 'gap_analysis', text: 'No needle exchange in the north' }).then([
    { type: 'GridNarrativeRecorded', data: { planId: P, gridId: 'g1', section: 'gap_analysis', text: 'No needle exchange in the north' } },
  ])
  given(t, [created, grid]).when({ type: 'RateSelfAssessment', gridId: 'g1', statement: 'Local protocols are in place', rag: 'red' }).then([
    { type: 'SelfAssessmentRated', data: { planId: P, gridId: 'g1', statement: 'Local protocols are in place', rag: 'red' } },
  ])
  given(t, [created, grid]).when({ type: 'RateSelfAssessment', gridId: 'g1', statement: 's', rag: 'blue' }).thenThrows(ValidationError, { errors: [{ path: 'rag' }] })
  const lines = [{ label: 'Total', plannedLastYear: null, likelyLastYear: null, plannedThisYear: { text: '£150,000', pence: 15000000 } }]
  given(t, [created, grid]).when({ type: 'RecordGridBudget', gridId: 'g1', lines }).then([{ type: 'GridBudgetRecorded', data: { planId: P, gridId: 'g1', lines } }])
  given(t, [created, grid]).when({ type: 'RecordGridBudget', gridId: 'g1', lines: [] }).thenThrows(ValidationError)
  given(t, [created]).when({ type: 'RecordGridNarrative', gridId: 'nope', section: 'other', text: 'x' }).thenThrows(NotFoundError, /grid/)
})

t.test('AddObjective and ReviseObjective', async t => {
  given(t, [created, grid]).when({ type: 'AddObjective', gridId: 'g1', objectiveId: 'o1', number: '1', text: 'Reduce drug related deaths' }).then([objective])
  given(t, [created, grid]).when({ type: 'AddObjective', gridId: 'g1', objectiveId: 'o2', text: 'Improve access', outcomes: ['More referrals', ' '] }).thenThrows(ValidationError, { errors: [{ path: 'outcomes.1' }] })
  given(t, [created, grid]).when({ type: 'AddObjective', gridId: 'g9', objectiveId: 'o1', text: 'x' }).thenThrows(NotFoundError, /grid g9/)
  given(t, [created, grid, objective]).when({ type: 'AddObjective', gridId: 'g1', objectiveId: 'o1', text: 'x' }).thenThrows(ConflictError)
  given(t, plan).when({ type: 'ReviseObjective', objectiveId: 'o1', text: 'Halve drug related deaths', outcomes: ['Fewer deaths'] }).then([
    { type: 'ObjectiveRevised', data: { planId: P, gridId: 'g1', objectiveId: 'o1', changes: { text: 'Halve drug related deaths', outcomes: ['Fewer deaths'] } } },
  ])
  given(t, plan).when({ type: 'ReviseObjective', objectiveId: 'o1' }).thenThrows(ValidationError, /at least one/)
  given(t, plan).when({ type: 'ReviseObjective', objectiveId: 'o9', text: 'x' }).thenThrows(NotFoundError)
})

t.test('AddAction derives due dates, pence and owner labels', async t => {
  given(t, [created, grid, objective]).when({
    type: 'AddAction', objectiveId: 'o1', actionId: 'a1', number: '1.1', text: 'Train staff in naloxone', due: 'Qtr 2', owners: ['CNWL', ' DM', 'cnwl'], cost: '£4,400',
  }).then([action], 'owners trimmed and de-duplicated case-insensitively')
  const [e] = decideCommand({ type: 'AddAction', objectiveId: 'o1', actionId: 'a2', text: 'Monitor quarterly', due: 'Ongoing', cost: 'Within role resource' }, fold([created, grid, objective]), { actor: commissioner, today: TODAY })
  t.match(e.data, { due: { text: 'Ongoing', from: null, to: null }, cost: { text: 'Within role resource', pence: null }, owners: [], number: null })
  given(t, [created, grid]).when({ type: 'AddAction', objectiveId: 'o9', actionId: 'a1', text: 'x' }).thenThrows(NotFoundError, /objective o9/, 'an action belongs to an existing objective')
  given(t, plan).when({ type: 'AddAction', objectiveId: 'o1', actionId: 'a1', text: 'x' }).thenThrows(ConflictError)
  given(t, [created, grid, objective]).when({ type: 'AddAction', objectiveId: 'o1', actionId: 'a3', text: '', owners: [''] }).thenThrows(ValidationError, { errors: [{ path: 'text' }, { path: 'owners.0' }] })
  given(t, [created, grid, objective]).when({ type: 'AddAction', objectiveId: 'o1', actionId: 'a3', text: 'x' }, provider).thenThrows(ForbiddenError)
})

t.test('ReviseAction and WithdrawAction', async t => {
  given(t, plan).when({ type: 'ReviseAction', actionId: 'a1', due: 'By Qtr 3', cost: '20K' }).then([
    { type: 'ActionRevised', data: { ...ids, changes: { due: { text: 'By Qtr 3', from: '2008-04-01', to: '2008-12-31' }, cost: { text: '20K', pence: 2000000 } } } },
  ])
  given(t, plan).when({ type: 'ReviseAction', actionId: 'a1' }).thenThrows(ValidationError)
  given(t, plan).when({ type: 'ReviseAction', actionId: 'zz', text: 'x' }).thenThrows(NotFoundError)
  given(t, plan).when({ type: 'WithdrawAction', actionId: 'a1', reason: 'Merged into 1.2' }).then([{ type: 'ActionWithdrawn', data: { ...ids, reason: 'Merged into 1.2' } }])
  const withdrawn: PlanEvent = { type: 'ActionWithdrawn', data: { ...ids, reason: null } }
  given(t, [...plan, withdrawn]).when({ type: 'WithdrawAction', actionId: 'a1' }).thenThrows(ConflictError, /withdrawn/)
  given(t, [...plan, withdrawn]).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: 'x' }).thenThrows(ConflictError, /withdrawn/)
})

t.test('AssignOwner and UnassignOwner', async t => {
  given(t, plan).when({ type: 'AssignOwner', actionId: 'a1', owner: ' Turning Point ' }).then([{ type: 'OwnerAssigned', data: { ...ids, owner: 'Turning Point' } }])
  given(t, plan).when({ type: 'AssignOwner', actionId: 'a1', owner: 'dm' }).then([], 'assigning a present owner changes nothing')
  given(t, plan).when({ type: 'UnassignOwner', actionId: 'a1', owner: 'dm' }).then([{ type: 'OwnerUnassigned', data: { ...ids, owner: 'DM' } }], 'matched case-insensitively, recorded as assigned')
  given(t, plan).when({ type: 'UnassignOwner', actionId: 'a1', owner: 'WDP' }).thenThrows(NotFoundError, /owner/)
  given(t, plan).when({ type: 'AssignOwner', actionId: 'zz', owner: 'WDP' }).thenThrows(NotFoundError, /action zz/, 'owners only on existing actions')
  given(t, plan).when({ type: 'AssignOwner', actionId: 'a1', owner: 'WDP' }, provider).thenThrows(ForbiddenError)
})

t.test('ReportProgress', async t => {
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: '12 staff trained', status: 'in_progress', percentComplete: 40 }).then([
    { type: 'ProgressReported', data: { ...ids, effectiveDate: '2008-06-30', status: 'in_progress', percentComplete: 40, note: '12 staff trained', furtherAction: null } },
  ])
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: 'ok', furtherAction: 'Book next cohort' }, provider).then([
    { type: 'ProgressReported', data: { ...ids, effectiveDate: '2008-06-30', status: null, percentComplete: null, note: 'ok', furtherAction: 'Book next cohort' } },
  ], 'a provider whose label owns the action (case-insensitively) may report')
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: 'x' }, otherProvider).thenThrows(ForbiddenError, /not owned/)
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: 'x' }, auditor).thenThrows(ForbiddenError)
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-02-30', note: 'x' }).thenThrows(ValidationError, { errors: [{ path: 'effectiveDate' }] }, '2008-02-30 is refused')
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-07-21', note: 'x' }).thenThrows(ValidationError, /future/)
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: 'x', percentComplete: 101 }).thenThrows(ValidationError, { errors: [{ path: 'percentComplete' }] })
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: 'x', percentComplete: -1 }).thenThrows(ValidationError)
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: 'x', percentComplete: 33.3 }).thenThrows(ValidationError)
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: 'x', status: 'done' }).thenThrows(ValidationError, { errors: [{ path: 'status' }] })
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-30', note: '' }).thenThrows(ValidationError, { errors: [{ path: 'note' }] })
  given(t, plan).when({ type: 'ReportProgress', actionId: 'zz', effectiveDate: '2008-06-30', note: 'x' }).thenThrows(NotFoundError, /action/, 'progress only on existing actions')
})

t.test('SetRag and ProposeRag', async t => {
  given(t, plan).when({ type: 'SetRag', actionId: 'a1', rag: 'amber', effectiveDate: '2008-07-12', reason: 'Slippage on venue' }).then([
    { type: 'RagSet', data: { ...ids, rag: 'amber', effectiveDate: '2008-07-12', reason: 'Slippage on venue' } },
  ])
  given(t, plan).when({ type: 'SetRag', actionId: 'a1', rag: 'green' }).then([{ type: 'RagSet', data: { ...ids, rag: 'green', effectiveDate: TODAY, reason: null } }], 'effective today by default')
  given(t, plan).when({ type: 'SetRag', actionId: 'a1', rag: 'Blue' }).thenThrows(ValidationError, { errors: [{ path: 'rag' }] })
  given(t, plan).when({ type: 'SetRag', actionId: 'a1', rag: 'red' }, provider).thenThrows(ForbiddenError, /propose/)
  given(t, plan).when({ type: 'SetRag', actionId: 'zz', rag: 'red' }).thenThrows(NotFoundError)
  given(t, plan).when({ type: 'ProposeRag', actionId: 'a1', rag: 'red', reason: 'Trainer left' }, provider).then([
    { type: 'RagProposed', data: { ...ids, rag: 'red', effectiveDate: TODAY, reason: 'Trainer left' } },
  ])
  given(t, plan).when({ type: 'ProposeRag', actionId: 'a1', rag: 'red' }, otherProvider).thenThrows(ForbiddenError)
  given(t, plan).when({ type: 'ProposeRag', actionId: 'a1', rag: 'red' }, auditor).thenThrows(ForbiddenError)
})

t.test('provider visibility follows owner labels of live actions', async t => {
  t.ok(canSee(fold(plan), provider))
  t.notOk(canSee(fold(plan), otherProvider))
  t.ok(canSee(fold(plan), auditor))
  const unassigned: PlanEvent = { type: 'OwnerUnassigned', data: { ...ids, owner: 'CNWL' } }
  t.notOk(canSee(fold([...plan, unassigned]), provider), 'unassigned owner loses sight of the plan')
  t.same(planOwnerLabels(fold([...plan, { type: 'OwnerAssigned', data: { ...ids, owner: 'WDP' } }])), ['CNWL', 'DM', 'WDP'])
  t.same(planOwnerLabels(fold([...plan, { type: 'ActionWithdrawn', data: { ...ids, reason: null } }])), [])
})

t.test('partnership scope: a scoped token changes only its partnerships’ plans', async t => {
  const ealing: Principal = { ...commissioner, partnerships: ['EALING  daat'] }
  const slough: Principal = { ...commissioner, partnerships: ['Slough DAAT', 'Doncaster DAAT'] }
  given(t, [created]).when({ type: 'AddGrid', gridId: 'g2', number: 2, title: 'Housing' }, ealing).then([
    { type: 'GridAdded', data: { planId: P, gridId: 'g2', number: 2, title: 'Housing' } },
  ], 'within scope, case and spacing aside')
  given(t, [created]).when({ type: 'AddGrid', gridId: 'g2', number: 2, title: 'Housing' }, slough).thenThrows(NotFoundError, /plan plan-1/, 'another partnership’s plan does not exist for it')
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', effectiveDate: '2008-06-01', note: 'x' }, slough).thenThrows(NotFoundError)
  given(t, [created]).when({ type: 'CreatePlan', planId: P, partnership: 'Doncaster DAAT', year: '2008/09' }, slough).thenThrows(ConflictError, /already exists/)
  given(t, []).when({ type: 'CreatePlan', planId: P, partnership: 'Ealing DAAT', year: '2008/09' }, slough).thenThrows(ForbiddenError, /scoped to Slough DAAT, Doncaster DAAT.*Ealing DAAT/)
  given(t, [created]).when({ type: 'CreatePlan', planId: P, partnership: 'Ealing DAAT', year: '2008/09' }, slough).thenThrows(ForbiddenError, /scoped to/, 'out of scope is 403 before the existing plan is named')
  t.equal(canSee(fold(plan), slough), false, 'the one visibility rule agrees')
  t.equal(canSee(fold(plan), ealing), true)
})
