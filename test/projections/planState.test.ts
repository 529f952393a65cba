// Grid state: given a plan's recorded history, when it is read as of an instant and effective
// on a date, then it shows what the system showed then and what was true on that date.
import t from 'tap'
import { projectPlanState } from '../../src/projections/folds/planState.js'
import { commissioner, provider, PlanScript } from './support/planScript.js'
import { actionIn, mustAction, stateOf } from './support/views.js'

const cnwl = provider('CNWL')

/** Ealing DAAT 2008/09: grid 2 added before grid 1; one objective with two actions. */
function basePlan() {
  const s = new PlanScript('p-ealing', '2008-04-02T09:00:00.000Z').create('Ealing DAAT', '2008/09')
  const grid2 = s.grid(2, 'Harm reduction')
  const grid1 = s.grid(1, 'Commissioning a local drug treatment system')
  const objective = s.objective(grid1, 'Reduce drug related deaths', '1', ['Fewer deaths'])
  const naloxone = s.action(objective, { number: '1.1', text: 'Train staff in naloxone', due: 'Qtr 2', owners: ['CNWL', 'DM'], cost: '£4,400' })
  const review = s.action(objective, { number: '1.2', text: 'Review deaths quarterly', due: 'Ongoing', owners: ['DAAT Manager'], cost: 'Within resources' })
  return { s, grid1, grid2, objective, naloxone, review }
}

t.test('given a plan with grids, an objective and actions, when read now, then the contract shape in plan order', async t => {
  const { s, grid1, grid2, objective, naloxone, review } = basePlan()
  const state = projectPlanState(s.events, { asOf: '2008-04-03T00:00:00Z', effectiveOn: '2008-04-03' })
  t.same(state, {
    id: 'p-ealing',
    partnership: 'Ealing DAAT',
    year: '2008/09',
    title: 'Adult drug treatment plan 2008/09',
    published: null,
    version: 6,
    asOf: '2008-04-03T00:00:00.000Z',
    effectiveOn: '2008-04-03',
    grids: [
      {
        id: grid1, number: 1, title: 'Commissioning a local drug treatment system', narratives: [], selfAssessment: [], budget: null,
        objectives: [
          {
            id: objective, number: '1', text: 'Reduce drug related deaths', outcomes: ['Fewer deaths'],
            actions: [
              {
                id: naloxone, number: '1.1', text: 'Train staff in naloxone',
                due: { text: 'Qtr 2', from: '2008-07-01', to: '2008-09-30' },
                owners: ['CNWL', 'DM'],
                cost: { text: '£4,400', pence: 440000 },
                rag: null, ragDecision: null, proposedRag: null, progress: null,
              },
              {
                id: review, number: '1.2', text: 'Review deaths quarterly',
                due: { text: 'Ongoing', from: null, to: null },
                owners: ['DAAT Manager'],
                cost: { text: 'Within resources', pence: null },
                rag: null, ragDecision: null, proposedRag: null, progress: null,
              },
            ],
          },
        ],
      },
      { id: grid2, number: 2, title: 'Harm reduction', narratives: [], selfAssessment: [], budget: null, objectives: [] },
    ],
  })
})

t.test('given no PlanCreated recorded by asOf, when read, then null', async t => {
  const { s } = basePlan()
  t.equal(projectPlanState(s.events, { asOf: '2008-04-01T00:00:00Z', effectiveOn: '2008-04-01' }), null)
  t.equal(projectPlanState([], { asOf: '2030-01-01T00:00:00Z', effectiveOn: '2030-01-01' }), null)
})

t.test('version is the stream version as of asOf (effective-date filtered events still count)', async t => {
  const { s, naloxone } = basePlan()
  s.at('2008-07-05T10:00:00Z').as(cnwl).run({ type: 'ReportProgress', actionId: naloxone, effectiveDate: '2008-07-04', note: 'Started' })
  t.equal(stateOf(s.events, '2008-04-03T00:00:00Z').version, 6)
  const june = stateOf(s.events, '2008-07-06T00:00:00Z', '2008-06-30')
  t.equal(june.version, 7, 'the July progress counts towards the version')
  t.equal(mustAction(june, naloxone).progress, null, 'but is not effective on 30 June')
})

t.test('late corrections', async t => {
  t.test('given progress recorded in August effective 30 June, then the June view changes from the moment it is recorded', async t => {
    const { s, naloxone } = basePlan()
    s.at('2008-08-14T11:00:00Z').as(cnwl).run({
      type: 'ReportProgress', actionId: naloxone, effectiveDate: '2008-06-30', note: '12 staff trained by end of June', status: 'in_progress', percentComplete: 40, furtherAction: 'Train the night shift',
    })
    const before = stateOf(s.events, '2008-08-14T10:59:59.999Z', '2008-06-30')
    t.equal(mustAction(before, naloxone).progress, null, 'asOf earlier than the recording: the June view without it')
    const after = stateOf(s.events, '2008-08-14T11:00:00.000Z', '2008-06-30')
    t.same(mustAction(after, naloxone).progress, {
      status: 'in_progress', percentComplete: 40, note: '12 staff trained by end of June', furtherAction: 'Train the night shift',
      effectiveDate: '2008-06-30', recordedAt: '2008-08-14T11:00:00.000Z',
    })
  })

  t.test('given a June report then a correction of it, then the later recording wins for the same effective date', async t => {
    const { s, naloxone } = basePlan()
    s.at('2008-07-02T09:00:00Z').as(cnwl).run({ type: 'ReportProgress', actionId: naloxone, effectiveDate: '2008-06-30', note: '10 staff trained' })
    s.at('2008-08-10T09:00:00Z').run({ type: 'ReportProgress', actionId: naloxone, effectiveDate: '2008-08-08', note: '20 staff trained' })
    s.at('2008-08-25T09:00:00Z').as(commissioner).run({ type: 'ReportProgress', actionId: naloxone, effectiveDate: '2008-06-30', note: 'Correction: 12 staff trained' })
    const note = (asOf: string, on: string) => mustAction(stateOf(s.events, asOf, on), naloxone).progress?.note
    t.equal(note('2008-08-20T00:00:00Z', '2008-06-30'), '10 staff trained', 'June as shown before the correction')
    t.equal(note('2008-08-26T00:00:00Z', '2008-06-30'), 'Correction: 12 staff trained', 'June as shown after it')
    t.equal(note('2008-08-26T00:00:00Z', '2008-09-30'), '20 staff trained', 'the correction of June does not hide August')
    t.equal(note('2008-07-03T00:00:00Z', '2008-09-30'), '10 staff trained', 'before August was reported')
  })
})

t.test('RAG proposals settled by a commissioner', async t => {
  const { s, naloxone } = basePlan()
  s.at('2008-07-10T09:00:00Z').as(cnwl).run({ type: 'ProposeRag', actionId: naloxone, rag: 'amber', effectiveDate: '2008-07-10', reason: 'Trainer left' })
  s.at('2008-07-12T14:00:00Z').as(commissioner).run({ type: 'SetRag', actionId: naloxone, rag: 'green', effectiveDate: '2008-07-12', reason: 'Agreed at the monitoring meeting' })
  s.at('2008-09-01T09:00:00Z').as(cnwl).run({ type: 'ProposeRag', actionId: naloxone, rag: 'red', effectiveDate: '2008-09-01', reason: 'No trainer' })

  const proposed = mustAction(stateOf(s.events, '2008-07-11T00:00:00Z'), naloxone)
  t.equal(proposed.rag, null, 'a proposal is not a rating')
  t.same(proposed.proposedRag, {
    rag: 'amber', reason: 'Trainer left', actor: { tokenId: 'tok-cnwl', role: 'provider', label: 'CNWL system' }, recordedAt: '2008-07-10T09:00:00.000Z',
  })

  const settled = mustAction(stateOf(s.events, '2008-07-13T00:00:00Z'), naloxone)
  t.equal(settled.rag, 'green', 'the commissioner set the RAG')
  t.equal(settled.proposedRag, null, 'which settles the proposal')
  t.same(settled.ragDecision, {
    rag: 'green', effectiveDate: '2008-07-12', reason: 'Agreed at the monitoring meeting',
    actor: { tokenId: 'tok-commissioner', role: 'commissioner', label: 'Ealing DAAT commissioner' }, recordedAt: '2008-07-12T14:00:00.000Z',
  })

  const reproposed = mustAction(stateOf(s.events, '2008-09-02T00:00:00Z'), naloxone)
  t.equal(reproposed.rag, 'green', 'the rating stands')
  t.equal(reproposed.proposedRag?.rag, 'red', 'a new proposal shows beside it')

  t.test('a backdated RAG settles the proposal but the later-effective RAG stays in force', async t => {
    s.at('2008-09-03T09:00:00Z').as(commissioner).run({ type: 'SetRag', actionId: naloxone, rag: 'amber', effectiveDate: '2008-07-01', reason: 'Backdated' })
    const now = mustAction(stateOf(s.events, '2008-09-04T00:00:00Z'), naloxone)
    t.equal(now.rag, 'green')
    t.equal(now.proposedRag, null)
    const early = mustAction(stateOf(s.events, '2008-09-04T00:00:00Z', '2008-07-05'), naloxone)
    t.equal(early.rag, 'amber', 'effective on 5 July the backdated amber was in force')
    t.equal(mustAction(stateOf(s.events, '2008-09-04T00:00:00Z', '2008-06-30'), naloxone).rag, null, 'nothing was in force in June')
  })

  t.test('a proposal effective after effectiveOn is not shown on that date', async t => {
    const july = mustAction(stateOf(s.events, '2008-09-02T00:00:00Z', '2008-07-31'), naloxone)
    t.equal(july.proposedRag, null)
    t.equal(july.rag, 'green')
  })
})

t.test('owners unassigned and assigned', async t => {
  const { s, naloxone } = basePlan()
  s.at('2008-05-01T09:00:00Z').run({ type: 'UnassignOwner', actionId: naloxone, owner: 'dm' })
  s.at('2008-05-02T09:00:00Z').run({ type: 'AssignOwner', actionId: naloxone, owner: 'Turning Point' })
  s.at('2008-05-03T09:00:00Z').run({ type: 'UnassignOwner', actionId: naloxone, owner: 'cnwl' })
  const owners = (asOf: string) => mustAction(stateOf(s.events, asOf), naloxone).owners
  t.same(owners('2008-04-30T00:00:00Z'), ['CNWL', 'DM'])
  t.same(owners('2008-05-01T12:00:00Z'), ['CNWL'], 'DM unassigned (matched case-insensitively)')
  t.same(owners('2008-05-02T12:00:00Z'), ['CNWL', 'Turning Point'])
  t.same(owners('2008-05-04T00:00:00Z'), ['Turning Point'])
})

t.test('actions and objectives revised', async t => {
  const { s, objective, naloxone } = basePlan()
  s.at('2008-07-12T15:00:00Z').run({ type: 'ReviseAction', actionId: naloxone, text: 'Train all staff in naloxone', due: 'Qtr 3', cost: '20K' })
  s.at('2008-07-12T15:01:00Z').run({ type: 'ReviseAction', actionId: naloxone, number: null })
  s.run({ type: 'ReviseObjective', objectiveId: objective, number: '1a', outcomes: ['Fewer deaths', 'Naloxone carried'] })
  const before = mustAction(stateOf(s.events, '2008-07-12T14:59:59Z'), naloxone)
  t.match(before, { number: '1.1', text: 'Train staff in naloxone', due: { text: 'Qtr 2', from: '2008-07-01', to: '2008-09-30' }, cost: { text: '£4,400', pence: 440000 } })
  const state = stateOf(s.events, '2008-07-13T00:00:00Z')
  t.match(mustAction(state, naloxone), {
    number: null, text: 'Train all staff in naloxone', due: { text: 'Qtr 3', from: '2008-10-01', to: '2008-12-31' }, cost: { text: '20K', pence: 2000000 }, owners: ['CNWL', 'DM'],
  })
  t.match(state.grids[0].objectives[0], { number: '1a', text: 'Reduce drug related deaths', outcomes: ['Fewer deaths', 'Naloxone carried'] })
})

t.test('withdrawn actions', async t => {
  const { s, naloxone, review } = basePlan()
  s.at('2008-06-01T09:00:00Z').as(cnwl).run({ type: 'ReportProgress', actionId: naloxone, effectiveDate: '2008-05-31', note: 'Planned' })
  s.at('2008-06-10T09:00:00Z').as(commissioner).run({ type: 'WithdrawAction', actionId: naloxone, reason: 'Moved to grid 2' })
  const now = stateOf(s.events, '2008-06-11T00:00:00Z')
  t.equal(actionIn(now, naloxone), undefined, 'gone from the current state')
  t.same(now.grids[0].objectives[0].actions.map(a => a.id), [review])
  t.equal(now.version, 8)
  const earlier = stateOf(s.events, '2008-06-09T00:00:00Z')
  t.equal(mustAction(earlier, naloxone).progress?.note, 'Planned', 'present, with its progress, in an earlier asOf view')
  t.equal(actionIn(stateOf(s.events, '2008-06-11T00:00:00Z', '2008-05-31'), naloxone), undefined, 'withdrawal is structural: not undone by an earlier effectiveOn')
})

t.test('effectiveOn filters effective-dated events only', async t => {
  const { s, objective, naloxone } = basePlan()
  s.at('2008-07-16T09:00:00Z').as(cnwl).run({ type: 'ReportProgress', actionId: naloxone, effectiveDate: '2008-07-15', note: 'July' })
  s.as(commissioner).run({ type: 'SetRag', actionId: naloxone, rag: 'green', effectiveDate: '2008-07-15' })
  const late = s.at('2008-08-01T09:00:00Z').action(objective, { text: 'Added in August', due: 'Qtr 3' })
  const june = stateOf(s.events, '2008-08-02T00:00:00Z', '2008-06-30')
  t.equal(mustAction(june, naloxone).progress, null)
  t.equal(mustAction(june, naloxone).rag, null)
  t.ok(actionIn(june, late), 'an action added later still shows in the June view')
  const july = stateOf(s.events, '2008-08-02T00:00:00Z', '2008-07-15')
  t.equal(mustAction(july, naloxone).progress?.note, 'July', 'effective on its own date')
  t.equal(mustAction(july, naloxone).rag, 'green')
})

t.test('grid narratives, self-assessment and budget', async t => {
  const { s, grid1 } = basePlan()
  s.run({ type: 'RecordGridNarrative', gridId: grid1, section: 'key_priorities', text: 'Identification of key priorities following needs assessment' })
  s.run({ type: 'RateSelfAssessment', gridId: grid1, statement: 'Open access services', rag: 'amber' })
  s.run({ type: 'RateSelfAssessment', gridId: grid1, statement: 'Open access services', rag: 'green' })
  const lines = [{ label: 'Total', plannedLastYear: { text: '£150,000', pence: 15000000 }, likelyLastYear: null, plannedThisYear: { text: '20K', pence: 2000000 } }]
  s.run({ type: 'RecordGridBudget', gridId: grid1, lines })
  const grid = stateOf(s.events, '2030-01-01T00:00:00Z').grids[0]
  t.same(grid.narratives, [{ section: 'key_priorities', text: 'Identification of key priorities following needs assessment' }])
  t.same(grid.selfAssessment, [{ statement: 'Open access services', rag: 'green' }], 're-rating a statement replaces its rating')
  t.same(grid.budget, lines)
})

t.test('the input events are not changed by projecting, and two projections do not share objects', async t => {
  const { s, naloxone } = basePlan()
  const copy = JSON.parse(JSON.stringify(s.events))
  const a = stateOf(s.events, '2030-01-01T00:00:00Z')
  mustAction(a, naloxone).owners.push('Mutated')
  const b = stateOf(s.events, '2030-01-01T00:00:00Z')
  t.same(mustAction(b, naloxone).owners, ['CNWL', 'DM'])
  t.same(s.events, copy)
})

t.test('asOf is normalised to a UTC instant; a malformed one is refused', async t => {
  const { s } = basePlan()
  t.equal(stateOf(s.events, '2008-04-03T01:00:00+01:00').asOf, '2008-04-03T00:00:00.000Z')
  t.throws(() => projectPlanState(s.events, { asOf: 'yesterday', effectiveOn: '2008-04-03' }), RangeError)
})
