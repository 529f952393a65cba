import t from 'tap'
import { actionCounts, decideAll, fixture, generalChecks, importCommands, parseOk, SEEDS, spotCheck } from './support/seeds.js'

// Ealing DAAT, Adult drug treatment plan 2006/07 (seed 000_99b8ced95980cc94.txt).
//
// How the counts were established, by reading the document (not the parser's output):
// - Grids: the ten "Planning grid N: …" headings (lines 11, 93, 152, 212, 258, 306, 351, 421, 483, 527).
// - Objectives: every "Objective N" marker in a grid, in whatever markdown it wears
//   (**Objective 1**, ### Objective 5, ## **Objective 2**, #### Objective 5, "**Objective 1 - …**").
//   Grid 6 has "Objective 2" twice (the second is really objective 3): both counted.
// - Actions: the tab-separated rows under each "Actions and milestones … | By when | By whom |
//   Costs/budget" header, one per row, NOT counting: header rows; "--\t---" rule rows; rows that
//   continue the previous action (a row starting in lower case — "groups.", "and carer
//   representatives\t2006", "group.\tyear)" — a row with an empty action cell — "\t\tPM",
//   "\t\tgroup/PM" — and "Development" after "5. Create P/T … to lead on Workforce" in a numbered
//   list); and the cross-reference row "See user grid actions" (grid 1 objective 3).
//   Grid 10 objective 3 has no header row: its 4 rows were counted all the same.
// Per grid, actions per objective:
//   1: Adopt, Conduct | Within contracts, Monitor, Specify | Conduct (October 06) | Participate,
//      Influence…groups., Partnership devises | Develop database, Ensure 100%, Installation, PTB Contingency
//   2: 1–6 | 1–2 | 50%, 30%, 60% | seven "Delivery of…"/Mental Health/Mentoring rows
//   3: 6 | 6 | 3      4: 3 | 4 | 4      5: 4 | 1 | 6      6: 4 | 2 | 3
//   7: 3 | 4 | 2 | 3 | 3 | 1      8: 4 | 2 | 2 | 1 | 1 | 2      9: 9 | 2 | 2      10: 4 | 5 | 4 | 6 | 8
const EXPECTED = [
  [2, 3, 1, 3, 4],
  [6, 2, 3, 7],
  [6, 6, 3],
  [3, 4, 4],
  [4, 1, 6],
  [4, 2, 3],
  [3, 4, 2, 3, 3, 1],
  [4, 2, 2, 1, 1, 2],
  [9, 2, 2],
  [4, 5, 4, 6, 8],
]

const text = fixture(SEEDS.ealing)

t.test('Ealing 2006/07: header, grids, objectives and actions as counted by reading', async t => {
  const { plan, warnings } = parseOk(t, text)
  t.equal(plan.partnership, 'Ealing DAAT')
  t.equal(plan.year, '2006/07')
  t.equal(plan.title, 'Adult drug treatment plan 2006/07 Part 3: Planning grids')
  t.same(
    plan.grids.map(g => g.number),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  )
  t.same(actionCounts(plan), EXPECTED)
  t.equal(plan.grids[0].title, 'Commissioning a local drug treatment system')
  t.equal(plan.grids[2].title, 'User involvement', 'markdown and bold removed from "### **Planning grid 3: User involvement**"')
  t.equal(plan.grids[9].title, 'Drug Interventions Programme')
  generalChecks(t, plan, warnings, text.split('\n').length)

  const g6 = plan.grids[5]
  t.same(
    g6.objectives.map(o => o.number),
    ['1', '2', '2'],
    'the duplicated "Objective 2" is kept as written',
  )
  t.ok(warnings.some(w => w.line === 341 && /appears twice/.test(w.message)), 'and warned about')
  t.ok(warnings.some(w => w.line === 70 && /cross-reference/.test(w.message)), '"See user grid actions" is reported, not recorded')
  t.ok(warnings.some(w => w.line === 125 && /Development/.test(w.message)), 'the "Development" continuation is reported')
  t.equal(plan.grids[1].objectives[0].text, 'Finalise Ealing HR strategy to include recruitment, retention & development by August 2006.')
  t.equal(plan.grids[0].objectives[0].text, 'Conduct and publish annual needs assessment, building on work already undertaken, addressing treatment penetration and impact substance misuse, public health and crime')
})

t.test('Ealing: spot checks of actions', async t => {
  const { plan } = parseOk(t, text)
  spotCheck(t, plan, {
    at: [1, 4, 2],
    text: 'Influence Homelessness & Supporting People Strategies with regard to priority & all drug using groups. Create protocols with housing services for all identified drug using groups.',
    due: 'July 06',
    dueFrom: '2006-07-01',
    dueTo: '2006-07-31',
    owners: ['DIP PM'],
    cost: 'Within role resource',
    pence: null,
    line: 78,
  })
  spotCheck(t, plan, {
    at: [2, 1, 5],
    number: '5',
    text: 'Create P/T Assistant Commissioner post to lead on Workforce Development',
    due: 'April 2006',
    dueFrom: '2006-04-01',
    dueTo: '2006-04-30',
    byWhom: 'SM/PK',
    owners: ['SM', 'PK'],
    cost: '22K',
    pence: 2_200_000,
    line: 123,
  })
  spotCheck(t, plan, {
    at: [3, 2, 6],
    text: 'Set up system of payment and reimbursement of expenses of service users and carer representatives',
    due: 'Spetmeber 2006',
    byWhom: 'UCEW/BM',
    owners: ['UCEW', 'BM'],
    cost: '£10K',
    pence: 1_000_000,
    line: 198,
  })
  spotCheck(t, plan, {
    at: [1, 5, 4],
    text: 'PTB Contingency',
    due: '',
    dueFrom: null,
    dueTo: null,
    owners: ['BM'],
    cost: '£150,000',
    pence: 15_000_000,
  })
  spotCheck(t, plan, {
    at: [10, 3, 1],
    text: 'To provide a report on achievement of compact and access and retention in treatment of drug users targeted through Tough Choices to DIP steering group.',
    due: 'At steering group meetings (minimum 4 per year)',
    byWhom: 'DM/PM',
    owners: ['DM', 'PM'],
    cost: 'Within resources',
    pence: null,
    line: 573,
  })
  spotCheck(t, plan, {
    at: [10, 5, 8],
    text: 'Deferred decision scheme & access protocols via ARS steering group',
    due: 'August 2006',
    dueFrom: '2006-08-01',
    dueTo: '2006-08-31',
    byWhom: 'ARS steering group/PM',
    owners: ['ARS steering group', 'PM'],
    cost: 'Within resource',
  })
  spotCheck(t, plan, {
    at: [8, 1, 3],
    text: 'Monitor and improve wait times',
    due: 'Quarterly',
    dueFrom: null,
    dueTo: null,
    owners: ['ICM', 'DM'],
    cost: 'Within role resource',
  })
  spotCheck(t, plan, {
    at: [8, 2, 1],
    text: 'Tender awarded',
    due: 'March 2006',
    byWhom: 'ICM/ BM/ DIP PM',
    owners: ['ICM', 'BM', 'DIP PM'],
    cost: '230k',
    pence: 23_000_000,
  })
  spotCheck(t, plan, {
    at: [2, 4, 1],
    text: 'Delivery of overdose/drug related deaths (DRD) training',
    due: 'March 2007',
    dueFrom: '2007-03-01',
    dueTo: '2007-03-31',
    owners: ['Training providers'],
    cost: '10K',
    pence: 1_000_000,
  })
})

t.test('Ealing: self-assessment ratings, narratives and budgets', async t => {
  const { plan } = parseOk(t, text)
  const [g1, g2, g3] = plan.grids
  t.same(
    plan.grids.map(g => g.selfAssessment.length),
    [10, 3, 5, 3, 3, 1, 1, 1, 1, 1],
    'rated statements per grid, counted by reading',
  )
  t.same(
    g1.selfAssessment.map(s => s.rag),
    ['amber', 'amber', 'green', 'green', 'green', 'amber', 'green', 'amber', 'green', 'red'],
  )
  t.match(g1.selfAssessment[2].statement, /informed these plans\.$/, '"… these plans.Green": rating removed from the statement')
  t.match(g2.selfAssessment[0].statement, /^Partnership workforce strategy- over 2005\/6/, '"- Amber" on its own line rates the paragraph before it')
  t.equal(g3.selfAssessment[4].statement, 'Service level agreements require services to: display a service user charter, include user consultation in service reviews, and promote access to advocacy for users')
  t.equal(plan.grids[4].selfAssessment[0].statement, 'The overall Self Assessment Performance for Harm Reduction in March 2005 was Amber', 'a rating that is part of the sentence stays in it')
  t.equal(plan.grids[8].selfAssessment[0].rag, 'green', '"assessed as **Green**"')
  t.match(g3.narratives.find(n => n.section === 'self_assessment')?.text ?? '', /^Significant achievements/)
  t.match(g1.narratives.find(n => n.section === 'guidance')?.text ?? '', /^This planning grid should include/)

  t.same(
    g1.budget?.lines.map(l => [l.label, l.plannedLastYear, l.likelyLastYear, l.plannedThisYear?.text]),
    [['Total', null, null, '£150,000 (Contingency)']],
  )
  t.same(
    g2.budget?.lines.map(l => [l.plannedLastYear?.text, l.likelyLastYear?.text, l.plannedThisYear?.text]),
    [['20K', '20K', '107K']],
  )
  t.equal(plan.grids[9].budget?.lines[0].plannedThisYear?.text, '1,079K')
  t.equal(g2.budget?.lines[0].plannedThisYear?.pence, 10_700_000)
})

t.test('Ealing: the commands decide and fold without error', async t => {
  const { plan } = parseOk(t, text)
  const { events, state } = decideAll(importCommands(text, plan))
  t.equal(events.filter(e => e.type === 'GridAdded').length, 10)
  t.equal(events.filter(e => e.type === 'ActionAdded').length, EXPECTED.flat().reduce((a, b) => a + b, 0))
  t.equal(state.actions.size, 145, '145 actions in all')
})
