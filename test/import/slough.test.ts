import t from 'tap'
import { actionCounts, decideAll, fixture, generalChecks, importCommands, parseOk, SEEDS, spotCheck } from './support/seeds.js'

// Slough DAAT, Adult drug treatment plan 2009/10 (seed 001_7ec3ad7ed395caf2.txt).
//
// How the counts were established, by reading the document:
// - Grids: the four "Planning grid N: …" lines (7, 67, 161, 214).
// - Objectives: the "Objective N" lines in each grid: 3, 4, 3, 1.
// - Actions: the tab-separated rows under each "Actions and milestones | By when | By whom" header
//   (three columns, no costs), up to "Expected outcomes". Rows are numbered "1." … except grid 1
//   objective 1 (two unnumbered rows). Not counted: the row "\t\tManager" (grid 2 objective 2),
//   which only continues action 7's "By whom"; blank lines between rows.
//   Grid 1: 2 | 4 | 7    Grid 2: 5 | 11 | 3 | 4    Grid 3: 4 | 2 | 4    Grid 4: 6
// - Expected outcomes: the lines after each "Expected outcomes:" (one is inline in a <p>).
const EXPECTED = [[2, 4, 7], [5, 11, 3, 4], [4, 2, 4], [6]]

const text = fixture(SEEDS.slough)

t.test('Slough 2009/10: header, grids, objectives and actions as counted by reading', async t => {
  const { plan, warnings } = parseOk(t, text)
  t.equal(plan.partnership, 'Slough Drug and Alcohol Action Team')
  t.equal(plan.year, '2009/10')
  t.same(
    plan.grids.map(g => [g.number, g.title]),
    [
      [1, 'Commissioning a local drug treatment system'],
      [2, 'Access and engagement with the drug treatment system'],
      [3, 'Retention in and effectiveness of the drug treatment system'],
      [4, 'Outcomes, discharge and exit from the drug treatment system'],
    ],
  )
  t.same(actionCounts(plan), EXPECTED)
  generalChecks(t, plan, warnings, text.split('\n').length)

  const g1 = plan.grids[0]
  t.equal(g1.objectives[0].text, 'Work closely with partners and neighbouring DAATs in order to deliver services that meet the needs of drug users in each of the localities in East Berkshire.')
  t.same(g1.objectives[1].outcomes, [
    'Data and TOPs compliance will improve and data will be monitored to feed into future planning',
    'Establishment of baseline data in respect of parents and housing',
  ])
  t.same(plan.grids[1].objectives[0].outcomes, ['Improved take up of treatment from under represented groups'], 'inline "<p>Expected outcomes: …</p>"')
  t.same(plan.grids[2].objectives[0].outcomes, [
    'Establishment of shared care monitoring group',
    'Shared care capacity identified',
    'Roll out of shared care in some GP practices in Slough',
  ])
  const priorities = g1.narratives.find(n => n.section === 'key_priorities')
  t.match(priorities?.text ?? '', /^Slough DAAT has made a number of improvements/)
  t.equal(priorities?.line, 11)
  t.same(
    plan.grids.map(g => g.budget),
    [null, null, null, null],
    'no budgets in this plan',
  )
})

t.test('Slough: spot checks of actions', async t => {
  const { plan } = parseOk(t, text)
  spotCheck(t, plan, {
    at: [1, 1, 1],
    number: null,
    text: 'Slough DAAT to support the development of the East Berkshire Joint Commissioning Group and ensure there is representation from key partners',
    due: 'On-going',
    dueFrom: null,
    dueTo: null,
    byWhom: 'DAAT Manager & Commissioner',
    cost: '',
    pence: null,
    line: 24,
  })
  spotCheck(t, plan, {
    at: [1, 3, 7],
    number: '7',
    text: 'work towards the development of a local service user advocacy and peer support service',
    due: 'March 2010',
    dueFrom: '2010-03-01',
    dueTo: '2010-03-31',
    byWhom: 'DAAT Harm Reduction Officer & DAAT Project Officer',
    cost: '',
  })
  spotCheck(t, plan, {
    at: [2, 2, 5],
    number: '5',
    text: 'Provide an annual refresher training session to pharmacy staff involved in the provision of a needle exchange service to ensure that: • Appropriate levels of harm reduction advice and information are offered to all presenting clients. • There is an awareness of the referral pathway to the specialist exchange service (T2) that offer specialist harm reduction advice and referral for clients that have additional needs.',
    due: 'November 2009',
    dueFrom: '2009-11-01',
    dueTo: '2009-11-30',
    owners: ['DAAT Harm Reduction Officer'],
    cost: '',
  })
  spotCheck(t, plan, {
    at: [2, 2, 7],
    number: '7',
    text: 'Ensure that both static and satellite specialist needle exchange services provided by Turning Point are more accessible in comparison to pharmacies.',
    due: 'June 2009',
    dueFrom: '2009-06-01',
    dueTo: '2009-06-30',
    byWhom: 'DAAT Harm Reduction Officer, Turning Point Service Manager',
    owners: ['DAAT Harm Reduction Officer', 'Turning Point Service Manager'],
    cost: '',
    line: 111,
  })
  spotCheck(t, plan, {
    at: [2, 1, 2],
    number: '2',
    text: 'Ensure that there is a range of literature available targeted at specific groups such as women, sex workers, Under 25\'s and BME communities',
    due: 'March 2010',
    owners: ['DAAT Project Officer - Communities'],
    cost: '',
  })
  spotCheck(t, plan, {
    at: [2, 4, 4],
    number: '4',
    text: /^Ensure that those individuals that are subject to a DRR are referred into treatment/,
    due: 'July 2009',
    dueFrom: '2009-07-01',
    dueTo: '2009-07-31',
    owners: ['Thames valley Probation Senior Probation Partnership Officer'],
    cost: '',
  })
  spotCheck(t, plan, {
    at: [2, 2, 4],
    number: '4',
    text: /^If required the confidential enquires process/,
    due: 'As required',
    dueFrom: null,
    dueTo: null,
    owners: ['DAAT Harm Reduction Officer'],
    cost: '',
  })
  spotCheck(t, plan, {
    at: [4, 1, 6],
    number: '6',
    text: 'Continue to work with housing to improve housing outcomes for those in treatment, and look at development opportunities for move on accommodation',
    due: 'On-going',
    owners: ['DAAT Project Officer - Communities'],
    cost: '',
  })
})

t.test('Slough: the commands decide and fold without error', async t => {
  const { plan } = parseOk(t, text)
  const { events } = decideAll(importCommands(text, plan))
  t.equal(events.filter(e => e.type === 'ActionAdded').length, 52)
  t.equal(events.filter(e => e.type === 'ObjectiveAdded').length, 11)
})
