import t from 'tap'
import { actionCounts, decideAll, fixture, generalChecks, importCommands, parseOk, SEEDS, spotCheck } from './support/seeds.js'

// Staffordshire DAT, Treatment Plan 2003/04 (seed 003_03c1cedc0f7d0717.txt).
//
// How the counts were established, by reading the document:
// - Grids: "PLANNING GRID ONE" … "PLANNING GRID NINE" (number words).
// - Objectives: the numbered list in each "Box 2: Objectives for 2003/04" (grid 7's objective 3
//   runs onto an unnumbered second line), which the Box 6–10 table repeats row by row.
// - Actions: in each table row, the "N.M" items packed into the Box 7 cell — as <p> items or as
//   running text "… 1.1 To … 1.2 To …". The first, unnumbered item restates the objective and is
//   not an action; an unnumbered item after an action (the <ul> of courses after 2.4) belongs to
//   it. "8.1 and 8.2 to inform" inside item 8.3 is a reference, not two more actions.
//   Grid 1: 1.1–1.3 | 2.1–2.4 | 3.1, 3.2, 3.3, 3.3 (numbered twice), 3.4 | 4.1–4.5 | 5.1–5.2
//   Grid 2: 5 | 7 | 1 | 3 | 3 | 3 | 1 | 1
//   Grid 3: objective 1 has no actions (its row holds only the objective) | 3 | 3 |
//           2 ("7.2" is a typo for 4.1, and 4.2) | 5 | 3 | 2 | 3 | 2
//   Grid 4: 1 | 3 | 1     Grid 5: 2 | 2 | 2 | 1 | 1 | 1
//   Grid 6: objective 1 has none ("See Grid 2 … and Grid 3 objective 2") | 3 | 2 | 1
//   Grid 7: 2 | 1 | 3 | 1 | 1     Grid 8: 5 | 1 | 1 | 2     Grid 9: 7
// - The Box 8 / Box 9 / Box 10 lists align with the actions where their counts match ("May 2003 Sep
//   2003 Mar 2004" is three dates); where they do not, the importer warns.
const EXPECTED = [
  [3, 4, 5, 5, 2],
  [5, 7, 1, 3, 3, 3, 1, 1],
  [0, 3, 3, 2, 5, 3, 2, 3, 2],
  [1, 3, 1],
  [2, 2, 2, 1, 1, 1],
  [0, 3, 2, 1],
  [2, 1, 3, 1, 1],
  [5, 1, 1, 2],
  [7],
]

const text = fixture(SEEDS.staffordshire)

t.test('Staffordshire 2003/04: header, grids, objectives and actions as counted by reading', async t => {
  const { plan, warnings } = parseOk(t, text)
  t.equal(plan.partnership, 'Staffordshire Drug Action Team')
  t.equal(plan.year, '2003/04')
  t.equal(plan.title, 'Treatment Plan 2003/04')
  t.same(
    plan.grids.map(g => g.number),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  )
  t.equal(plan.grids[0].title, 'Tier One – Non-drug treatment specific services')
  t.equal(plan.grids[6].title, "'Systems' Investments")
  t.same(actionCounts(plan), EXPECTED)
  generalChecks(t, plan, warnings, text.split('\n').length)

  t.same(
    plan.grids[0].objectives.map(o => o.number),
    ['1', '2', '3', '4', '5'],
  )
  t.equal(plan.grids[6].objectives[2].text, 'To agree common dataset to be used by all treatment providers in relation of data to be collected for DAT Commissioners. Develop Information Sharing Protocols for use by all treatment providers.')
  t.ok(warnings.some(w => w.line === 142 && /7\.2/.test(w.message)), 'the 7.2 typo is reported')
  t.ok(warnings.some(w => w.line === 39 && /aligned in order/.test(w.message)), 'misaligned lists are reported')
  t.notOk(
    plan.grids.some(g => g.narratives.some(n => /Staffordshire County Drug Action Team|Treatment Plan 2003/.test(n.text))),
    'the page header repeated before each grid is not recorded as narrative',
  )
})

t.test('Staffordshire: spot checks of actions', async t => {
  const { plan } = parseOk(t, text)
  spotCheck(t, plan, {
    at: [1, 2, 4],
    number: '2.4',
    text: 'Deliver 480 training places, 6 monthly programme as follows: Drug Awareness x 3 Advanced Awareness x 2 Drugs and the Law x 1 Motivational Interviewing x 1 Working with Young People x 1 Crack Cocaine x 1 CBT x 1 Safer Injecting x 1 Reducing Overdose Deaths x 1',
    due: 'Sept 2003 and March 2004',
    byWhom: 'Diana Lee Val Legg Training Sub Group',
    cost: '',
    line: 37,
  })
  spotCheck(t, plan, {
    at: [2, 2, 2],
    number: '2.2',
    text: 'To identify training organisation to deliver resuscitation training.',
    due: 'Apr 2003',
    dueFrom: '2003-04-01',
    dueTo: '2003-04-30',
    owners: ['M Thornley'],
    cost: '£ 4,400',
    pence: 440_000,
  })
  spotCheck(t, plan, {
    at: [2, 1, 1],
    number: '1.1',
    text: 'To recruit and train wte E Grade nurse for Hepatitis B clinics across South Staffordshire.',
    due: 'May 2003',
    dueFrom: '2003-05-01',
    dueTo: '2003-05-31',
    owners: ['M Thornley'],
    cost: '£30,000',
    pence: 3_000_000,
    line: 81,
  })
  spotCheck(t, plan, {
    at: [2, 4, 3],
    number: '4.3',
    text: 'To recruit additional/alternative staff.',
    due: 'Sep 2003',
    dueFrom: '2003-09-01',
    dueTo: '2003-09-30',
    byWhom: 'Serv Re – design Mgr/JCG',
    cost: '',
    pence: null,
  })
  spotCheck(t, plan, {
    at: [3, 4, 1],
    number: '7.2',
    text: 'Agree model of care co-ordination within substance misuse services.',
    due: 'Sep 2003',
    byWhom: 'S Redesign Mgr/ IDAS Op Group',
    cost: '',
  })
  spotCheck(t, plan, {
    at: [3, 8, 3],
    number: '8.3',
    text: '8.1 and 8.2 to inform future commissioning decisions.',
    due: 'Sep 2003',
    cost: '',
  })
  spotCheck(t, plan, {
    at: [5, 4, 1],
    number: '4.1',
    text: 'To present proposal from the Regional Drugs Training Development Officer to the JCG to ascertain if funding is available for implementation of the Regional Drugs Training Strategy.',
    due: 'Apr 2003',
    owners: ['JCG'],
    cost: 'Awaiting JCG decision',
    pence: null,
  })
  spotCheck(t, plan, {
    at: [7, 3, 1],
    number: '3.1',
    text: 'First draft to be completed for consultation.',
    due: 'May 2003',
    byWhom: 'DAT',
    owners: ['DAT'],
    cost: '£ 500',
    pence: 50_000,
  })
  spotCheck(t, plan, {
    at: [8, 1, 5],
    number: '1.5',
    text: 'Establish independent service user forum',
    due: 'Mar 2004',
    dueFrom: '2004-03-01',
    dueTo: '2004-03-31',
    cost: '',
  })
  spotCheck(t, plan, {
    at: [5, 1, 2],
    number: '1.2',
    text: 'To deliver 1 training/information session re treatment services.',
    due: 'Sep 2003',
    owners: ['DAT Secretariat'],
    cost: '£ 500',
    pence: 50_000,
  })
})

t.test('Staffordshire: gap analysis, budgets, objectives from Box 2', async t => {
  const { plan } = parseOk(t, text)
  const g1 = plan.grids[0]
  const gaps = g1.narratives.find(n => n.section === 'gap_analysis')
  t.match(gaps?.text ?? '', /^- No common referral system/, 'the ✘ symbol-font bullet is dropped')
  t.equal(gaps?.text.split('\n').length, 7)
  t.same(
    g1.budget?.lines.map(l => [l.label, l.plannedLastYear?.text, l.likelyLastYear?.text, l.plannedThisYear?.text]),
    [['Total', '£30,000', '£30,000', '£58,000']],
    'Box 3 / Box 4 / Box 5 amounts',
  )
  t.equal(g1.budget?.lines[0].plannedThisYear?.pence, 5_800_000)
  t.same(
    plan.grids[1].budget?.lines.map(l => l.label),
    ['Advice & Information', 'Harm Reduction', 'Assessment/Care Management', 'Other Tier 2', 'TOTAL'],
  )
  t.equal(plan.grids[1].budget?.lines[4].plannedThisYear?.text, '1,208,200')
  t.same(
    plan.grids[5].budget?.lines.map(l => [l.plannedLastYear, l.likelyLastYear, l.plannedThisYear?.text]),
    [[null, null, '£3,500']],
    'empty Box 3 and Box 4',
  )
  t.equal(plan.grids[2].objectives[0].text, 'To address service development through service specifications/contracts in line with Models of Care (See Grid 9).')
})

t.test('Staffordshire: the commands decide and fold without error', async t => {
  const { plan } = parseOk(t, text)
  const { events } = decideAll(importCommands(text, plan))
  t.equal(events.filter(e => e.type === 'GridAdded').length, 9)
  t.equal(events.filter(e => e.type === 'ActionAdded').length, EXPECTED.flat().reduce((a, b) => a + b, 0))
  t.equal(events.filter(e => e.type === 'GridBudgetRecorded').length, 9)
})
