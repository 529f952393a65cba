import t from 'tap'
import { actionCounts, decideAll, fixture, generalChecks, importCommands, parseOk, SEEDS, spotCheck } from './support/seeds.js'

// Safer Stronger Doncaster Partnership, 2017/18 (seed 004_8a5efc796c3e7a08.txt).
//
// How the counts were established, by reading the document:
// - Grids: "Planning Section 2", "3" and "4" headings, plus section 1, whose heading is missing
//   (the extract starts with its delivery plan; section 3's text names "Planning section 1").
//   The stray first line "Adult drug treatment plan 2006/07 …" is a template title: the plan is
//   "… planning in the community 2017/18" and says 2017-18 throughout.
// - Objectives: none are marked; each section's delivery plan is one objective (with the
//   section's "Expected outcomes 2017-18").
// - Actions: the numbered rows "1." … "6." of each pipe table. A pipe row without a number that
//   follows is the rest of the cells of the numbered row above (cells wrap over several rows: "|
//   |meetings during 17/18 |management meeting | |", "|Enhancing Drugs |monitoring of progress
//   |…"); "|Update: …|" and its next row are progress on action 5 of section 2.
//   Section 1: 6    Section 2: 6    Section 3: 4    Section 4: 5
const EXPECTED = [[6], [6], [4], [5]]

const text = fixture(SEEDS.doncaster)

t.test('Doncaster 2017/18: header, sections and actions as counted by reading', async t => {
  const { plan, warnings } = parseOk(t, text)
  t.equal(plan.partnership, 'Safer Stronger Doncaster Partnership')
  t.equal(plan.year, '2017/18', 'the year the document is about, not the template title above it')
  t.ok(warnings.some(w => w.line === 7 && /several plan years/.test(w.message)), 'and the choice is reported')
  t.same(
    plan.grids.map(g => g.number),
    [1, 2, 3, 4],
  )
  t.match(plan.grids[0].title, /heading missing/)
  t.ok(warnings.some(w => w.line === 13 && /part-way through/.test(w.message)))
  t.equal(plan.grids[1].title, 'Maintaining and improving access to treatment')
  t.equal(plan.grids[3].title, 'Achieving outcomes and successful completions')
  t.same(actionCounts(plan), EXPECTED)
  generalChecks(t, plan, warnings, text.split('\n').length)

  const s2 = plan.grids[1]
  t.equal(s2.objectives[0].number, null)
  t.equal(s2.objectives[0].outcomes.length, 7)
  t.equal(s2.objectives[0].outcomes[0], 'Streamlined access to drug and alcohol treatment delivered by SPOA model')
  t.match(s2.narratives.find(n => n.section === 'key_priorities')?.text ?? '', /^The previous implementation of a single point of access/)
  t.ok(warnings.some(w => w.line === 300 && /copyright/.test(w.message)), 'the preview site footer is reported, not recorded')
  for (const g of plan.grids) {
    for (const a of g.objectives.flatMap(o => o.actions)) t.ok(a.number !== null, `section ${g.number}: every action keeps its number (${a.number})`)
  }
})

t.test('Doncaster: spot checks of actions', async t => {
  const { plan } = parseOk(t, text)
  spotCheck(t, plan, {
    at: [1, 1, 1],
    number: '1',
    text: 'Quarterly performance management meetings with Aspire, monthly Operational Performance meetings with service manager/leads',
    due: 'Quarterly and monthly meetings during 17/18',
    byWhom: 'Quarterly Contract management meeting Operational group meeting',
    cost: '',
    pence: null,
    line: 17,
  })
  spotCheck(t, plan, {
    at: [1, 1, 2],
    number: '2',
    text: 'Performance management oversight of the specialist needle exchange with further development of specialist services for Image and Performance Enhancing Drugs',
    due: 'Ongoing monthly monitoring of progress',
    dueFrom: null,
    dueTo: null,
    owners: ['Operational group meeting'],
    cost: '',
  })
  spotCheck(t, plan, {
    at: [1, 1, 5],
    number: '5',
    text: 'Participation in Local Alcohol Action Area activities of complex lives/blue light initiative and safe haven bus in town centre',
    due: 'Assertive outreach and engagement multi-disciplinary panel, weekly safe haven delivery between Easter and St Leger weekend',
    byWhom: 'Public Health Multi-disciplinary health and social care representatives',
    cost: '',
  })
  spotCheck(t, plan, {
    at: [2, 1, 3],
    number: '3',
    text: 'Provide foil, sterile spoons and wipes across all needle exchange outlets via subcontracts.',
    due: 'Q1 to Q4 from April 2017 monitored by ‘Phamoutcomes’ system',
    byWhom: '/Aspire Service Manager',
    owners: ['Aspire Service Manager'],
    cost: '',
    line: 123,
  })
  spotCheck(t, plan, {
    at: [2, 1, 6],
    number: '6',
    text: 'Monitor activity of Families MOT programmes including number of participating families, where referred from, evaluations (which include identification of future needs of families) and number of training Families MOT staff within services.',
    due: 'Ongoing via Project 3 (coordination of programmes) & monthly Operational group meetings.',
    byWhom: 'Public Health substance misuse team (adults & C&YP)',
    cost: '',
  })
  spotCheck(t, plan, {
    at: [3, 1, 2],
    number: '2',
    text: 'Implement ‘using on top’ Standard Operating Procedure',
    due: 'April 2017 and ongoing',
    owners: ['Aspire'],
    cost: '',
  })
  spotCheck(t, plan, {
    at: [3, 1, 1],
    number: '1',
    text: 'Performance manage delivery of the Partnership Harm Reduction Strategy',
    due: 'Quarterly monitoring meetings',
    owners: ['Harm Reduction Strategy Group'],
    cost: '',
  })
  spotCheck(t, plan, {
    at: [4, 1, 4],
    number: '4',
    text: 'Maintain commissioning oversight of out of area rehab activity via scrutiny of monthly reports, costs and selection of providers',
    due: 'Quarterly reports',
    byWhom: 'Public Health substance misuse team Aspire service manager',
    cost: '',
  })

  const withUpdate = plan.grids[1].objectives[0].actions[4]
  t.equal(withUpdate.text, 'Pathways are in place to support clients with addiction to medications and novel psychoactive substances')
  t.equal(withUpdate.due, 'From April 2017')
  t.same(withUpdate.progress, {
    note: 'Specialist service to act in an advisory role regarding prescribing to Addiction To Medication clients, Psychosocial Interventions available in the specialist service for both groups of clients.',
    furtherAction: null,
    line: 141,
  })
})

t.test('Doncaster: the commands decide and fold without error', async t => {
  const { plan } = parseOk(t, text)
  const { events } = decideAll(importCommands(text, plan))
  t.equal(events.filter(e => e.type === 'ActionAdded').length, 21)
  const progress = events.filter(e => e.type === 'ProgressReported')
  t.equal(progress.length, 1)
  t.equal(progress[0].type === 'ProgressReported' && progress[0].data.effectiveDate, '2018-03-31', 'progress as at the end of the plan year')
})
