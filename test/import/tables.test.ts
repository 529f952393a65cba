// Tables read by what they hold as well as by their header (issue 19, part A): columns named by
// their cells when the header is missing, misleading or in another language; tables that hold no
// actions (budget summaries, self-assessment grids, contact lists) recognised or left out, never
// recorded as actions; a budget summary's rows kept as each grid's budget, or the plan's.
import t, { type Test } from 'tap'
import { parsePlanDocument, type ParsedPlan, type ParseResult } from '../../src/import/index.js'
import { cellKind, columnEvidence, planYearOf } from '../../src/import/columnContent.js'

const HEAD = 'ANYSHIRE DRUG & ALCOHOL ACTION TEAM\nAdult Drug Treatment Plan 2010/11\n\n'

function read(t: Test, text: string): Extract<ParseResult, { ok: true }> {
  const r = parsePlanDocument(text)
  if (!r.ok) {
    t.fail(`refused: ${r.reason}`)
    throw new Error(r.reason)
  }
  return r
}

const rows = (plan: ParsedPlan) => plan.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(a => [a.number, a.text, a.byWhom, a.due, a.cost, a.rag])))

// ---- the document ------------------------------------------------------------------

/** Hand count: 2 grids, 3 objectives, 4 actions; the budget summary is 2 grid budgets and a plan total, no actions. */
const ANYSHIRE = `${HEAD}SECTION A – COMMISSIONING THE TREATMENT SYSTEM

Priority A1: Commission services that meet need

Ref\tAction\tLead\tTimescale\tResources\tRAG
A1.1\tRefresh the needs assessment\tDAAT Manager\tJune 2010\t£5,000\tG
A1.2\tRetender the structured day programme\tCommissioner\tMarch 2011\t£120,000\tA

Priority A2: Involve service users
Ref\tAction\tLead\tTimescale\tResources\tRAG
A2.1\tFund a service user forum\tUser involvement lead\tQuarterly\t£8,000\tR

SECTION B – HARM REDUCTION

Priority B1: Fewer drug-related deaths
Ref\tAction\tLead\tTimescale\tResources\tRAG
B1.1\tSupply naloxone on release\tPrison team\tFrom April 2010\t£4,500\tG
Section\tplanned\toutturn\tplanned
Section A\t£1,402\t402\t300
Harm reduction\t£250\t260\t270
Total\t£1,652\t662\t570
`

t.test("the issue's budget summary right under the last action table: grid budgets and the plan's, no actions", async t => {
  const { plan, warnings, recognised } = read(t, ANYSHIRE)
  t.same(plan.grids.map(g => g.objectives.map(o => o.actions.length)), [[2, 1], [1]], 'hand count: 4 actions, none from the summary')
  t.notOk(rows(plan).some(r => ['£1,402', '402', '300', '£250', '£1,652'].some(v => r.includes(v))), 'no summary cell became part of an action')
  t.same(plan.grids[1].objectives[0].actions[0].cost, '£4,500', 'the last action keeps its own cells only')
  const budget = (g: number) => plan.grids[g].budget?.lines.map(l => [l.label, l.plannedLastYear?.text, l.likelyLastYear?.text, l.plannedThisYear?.text])
  t.same(budget(0), [['Total', '£1,402', '402', '300']], '"Section A" names grid 1 (by letter)')
  t.same(budget(1), [['Total', '£250', '260', '270']], '"Harm reduction" names grid 2 (by title)')
  t.same(plan.budget?.lines.map(l => [l.label, l.plannedLastYear?.pence, l.plannedThisYear?.text]), [['Total', 165200, '570']], 'the row naming no grid is the plan budget')
  t.equal(plan.budget?.line, 24)
  t.ok(warnings.some(w => w.line === 21 && /"planned" names no year; taken as plannedLastYear/.test(w.message)), 'a guessed column is said')
  const summary = recognised.find(r => r.line === 21)
  t.match(summary, { element: 'table', rule: /budget table: header word "planned".*budget summary/ })
  t.match(recognised.find(r => r.line === 22), { element: 'budget', rule: /"Section A" names grid 1/ })
  t.match(recognised.find(r => r.line === 24), { element: 'budget', rule: /names no grid; kept as the plan's budget/ })
})

t.test('a summary headed by grid numbers, after a heading line and in its own place', async t => {
  const doc = `${HEAD}Grid 1: Access\nObjective 1: Faster\nAction\tBy when\tBy whom\nOpen a clinic\tJune 2010\tCDT\n\nGrid 2: Safety\nObjective 1: Fewer deaths\nAction\tBy when\tBy whom\nTrain staff\tJuly 2010\tHostels\n\nBudget summary\nGrid\tPlanned spend 2009/10\tLikely spend 2009/10\tPlanned spend 2010/11\n1\t£10,000\t£9,000\t£12,000\n2\t£20,000\t£21,000\t£22,000\nGrid 7\t£1\t£2\t£3\n`
  const { plan } = read(t, doc)
  t.same(plan.grids.map(g => g.budget?.lines.map(l => l.plannedThisYear?.text)), [['£12,000'], ['£22,000']])
  t.same(plan.grids.map(g => g.objectives[0].actions.length), [1, 1])
  t.same(plan.budget?.lines.map(l => [l.label, l.plannedThisYear?.text]), [['Grid 7', '£3']], 'a grid the plan does not have: the plan budget')
})

// ---- columns by content ------------------------------------------------------------------

t.test('cell and column evidence: the domain reads each value; a column needs a majority', async t => {
  const year = planYearOf('2010/11')
  t.same(['A1.1', '2.3', '7', '£5,000', '20K', 'June 2010', 'Q2', 'G', 'amber', 'jo@x.org', 'Within resources'].map(c => cellKind(c, year)), [
    'number', 'number', 'integer', 'money', 'money', 'when', 'when', 'rag', 'rag', 'email', 'text',
  ])
  t.equal(cellKind('Train all staff by June 2010 in the new assessment tool', year), 'text', 'a sentence that mentions a date is text')
  t.equal(columnEvidence(['A1.1', 'A1.2', 'see above'], year).role, 'number', '2 of 3 agree')
  t.equal(columnEvidence(['A1.1', 'notes', 'see above'], year).role, null, '1 of 3 is no majority')
  t.equal(columnEvidence(['A1.1'], year).role, null, 'one cell is not enough')
  t.equal(columnEvidence(['1', '2', '3'], year).role, 'number', 'rising integers number rows')
  t.equal(columnEvidence(['12', '3', '40'], year).role, null, 'other integers are counts')
  t.equal(columnEvidence(['£1,402', '402', '300'], year).role, 'amount', 'bare integers beside money are amounts')
})

/** Hand count: 1 grid, 1 objective, 3 actions; every column named by its cells. */
const NO_HEADER = `${HEAD}SECTION A – COMMISSIONING

Priority A1: Commission well
A1.1\tRefresh the needs assessment\tDAAT Manager\tJune 2010\t£5,000\tG
A1.2\tRetender the day programme\tCommissioner\tMarch 2011\t£120,000\tA
A1.3\tPublish waiting times\tData team\tQuarterly\tWithin resources\tR
`

t.test('a table with no header row: number, when, cost and RAG by content; actions and owners by position', async t => {
  const { plan, warnings, recognised } = read(t, NO_HEADER)
  t.same(rows(plan), [
    ['A1.1', 'Refresh the needs assessment', 'DAAT Manager', 'June 2010', '£5,000', 'green'],
    ['A1.2', 'Retender the day programme', 'Commissioner', 'March 2011', '£120,000', 'amber'],
    ['A1.3', 'Publish waiting times', 'Data team', 'Quarterly', 'Within resources', 'red'],
  ], 'the first row is data, not a header')
  t.notOk(warnings.some(w => /no recognised column|without a header row: columns taken as/.test(w.message)), 'no cell dropped, no positional guess')
  t.match(recognised.find(r => r.line === 7), {
    element: 'table',
    rule: /action table with no header row: column 1 is number \(by content: 3 of 3 cells are action numbers\).*column 2 is action \(by position.*column 3 is who \(by position.*column 4 is when \(by content: 2 of 3.*column 5 is cost \(by content: 2 of 3 cells are amounts of money\), column 6 is rag \(by content: 3 of 3/,
  })
})

t.test('a header in another language: unknown words, columns named by their cells', async t => {
  const doc = `${HEAD}Section 1: Accès\nObjective 1: Réduire les délais\nRéf\tMesure\tResponsable\tÉchéance\tCoût\tÉtat\n1.1\tOuvrir une clinique le samedi\tCDT\tJune 2010\t£4,000\tVert\n1.2\tPublier les délais\tDAT\tSeptember 2010\t£1,500\tA\n1.3\tFormer le personnel\tFormation\tQ3\t£2,000\tG\n`
  const { plan, recognised } = read(t, doc)
  t.same(rows(plan).map(r => [r[0], r[1], r[2], r[3], r[4]]), [
    ['1.1', 'Ouvrir une clinique le samedi', 'CDT', 'June 2010', '£4,000'],
    ['1.2', 'Publier les délais', 'DAT', 'September 2010', '£1,500'],
    ['1.3', 'Former le personnel', 'Formation', 'Q3', '£2,000'],
  ])
  t.same(rows(plan).map(r => r[5]), [null, 'amber', 'green'], '"Vert" is no RAG word, but the column is RAG by its other cells')
  const rule = recognised.find(r => r.line === 6)?.rule ?? ''
  t.match(rule, /"Réf" is number \(by content/)
  t.match(rule, /"Mesure" is action \(by position.*"Responsable" is who \(by position: the one column of short text/)
  t.match(rule, /"Échéance" is when \(by content/)
})

t.test('a misleading header: words that name nothing are outvoted by the cells; a header that names a column keeps it', async t => {
  const doc = `${HEAD}Section 1: Access\nObjective 1: Faster\nItem\tTask\tPerson\tPeriod\tAmount\tFlag\nA1.1\tOpen a clinic\tCDT\tJune 2010\t£4,000\tGreen\nA1.2\tPublish waits\tDAT\tSeptember 2010\t£1,500\tRed\n`
  const { plan, recognised } = read(t, doc)
  t.same(rows(plan), [
    ['A1.1', 'Open a clinic', 'CDT', 'June 2010', '£4,000', 'green'],
    ['A1.2', 'Publish waits', 'DAT', 'September 2010', '£1,500', 'red'],
  ])
  t.match(recognised.find(r => r.line === 6)?.rule, /"Item" is number \(by content.*"Task" is action \(by header/)

  // "Lead" names the owners confidently: a column of action numbers under it stays the owners'.
  const confident = `${HEAD}Section 1: Access\nObjective 1: Faster\nAction\tLead\tDeadline\tAlso\nOpen a clinic\tA1.1\tJune 2010\tJuly 2010\nPublish waits\tA1.2\tSeptember 2010\tMay 2010\n`
  const r = read(t, confident)
  t.same(rows(r.plan).map(x => [x[0], x[2], x[3]]), [[null, 'A1.1', 'June 2010'], [null, 'A1.2', 'September 2010']], 'the header wins over content')
  t.ok(r.warnings.some(w => /under no recognised column not recorded: "July 2010"/.test(w.message)), 'a second column of dates does not take the role the header gave')
})

t.test('a stray value in a column of text does not rename it', async t => {
  const doc = `${HEAD}Section 1: Access\nObjective 1: Faster\nAction\tBy when\tBy whom\tRemarks\nOpen a clinic\tJune 2010\tCDT\t£4,000\nPublish waits\tSeptember 2010\tDAT\tagreed at the board\nTrain staff\tMay 2010\tDAT\tneeds a venue\n`
  const { plan, warnings } = read(t, doc)
  t.same(rows(plan).map(r => r[4]), ['', '', ''], '1 money cell of 3 is not a cost column')
  t.equal(warnings.filter(w => /under no recognised column/.test(w.message)).length, 3)
})

// ---- tables that hold no actions ----------------------------------------------------------

t.test('contact lists, self-assessment grids and budgets inside a grid are what they are', async t => {
  const doc = `${HEAD}Section 1: Access

Name\tRole\tTelephone
Jo Bloggs\tDAAT Manager\t01234 567890
Sam Smith\tCommissioner\t01234 567891

Standard\tRating
Waiting times are within three weeks\tGreen
Care plans are reviewed every quarter\tA

Objective 1: Faster
Action\tBy when\tBy whom
Open a clinic\tJune 2010\tCDT

Budget line\tPlanned 2009/10\tOutturn 2009/10\tPlanned 2010/11
Tier 4\t£10,000\t£9,500\t£11,000
Tier 3\t£50,000\t£52,000\t£55,000

Who\tWhere
Jo\tjo@anyshire.gov.uk
Sam\tsam@anyshire.gov.uk
`
  const { plan, warnings, recognised } = read(t, doc)
  const grid = plan.grids[0]
  t.same(grid.objectives.map(o => o.actions.map(a => a.text)), [['Open a clinic']], 'one action: no contact, rating or budget row became one')
  t.same(grid.selfAssessment.map(s => [s.statement, s.rag]), [['Waiting times are within three weeks', 'green'], ['Care plans are reviewed every quarter', 'amber']])
  t.same(grid.budget?.lines.map(l => [l.label, l.plannedLastYear?.text, l.likelyLastYear?.text, l.plannedThisYear?.text]), [
    ['Tier 4', '£10,000', '£9,500', '£11,000'],
    ['Tier 3', '£50,000', '£52,000', '£55,000'],
  ])
  t.equal(plan.budget, undefined, 'a budget of categories inside a grid is the grid\'s')
  t.ok(warnings.some(w => w.line === 6 && /table left out, its rows not recorded: a contact list \(header word "name"\)/.test(w.message)))
  t.ok(warnings.some(w => w.line === 22 && /table left out.*e-mail addresses/.test(w.message)), 'a contact list known by its cells')
  t.same(recognised.filter(r => r.element === 'left out').map(r => r.line), [6, 22])
})

t.test('a budget with no header words: amounts by content', async t => {
  const doc = `${HEAD}Section 1: Access\nObjective 1: Faster\nAction\tBy when\tBy whom\nOpen a clinic\tJune 2010\tCDT\n\nFinance\nPooled treatment budget\t£1,200,000\t£1,150,000\t£1,300,000\nDIP\t£300,000\t£310,000\t£320,000\n`
  const { plan } = read(t, doc)
  t.same(plan.grids[0].objectives[0].actions.length, 1)
  t.same(plan.grids[0].budget?.lines.map(l => [l.label, l.plannedThisYear?.text]), [['Pooled treatment budget', '£1,300,000'], ['DIP', '£320,000']])
})

t.test('a refused document names what is missing and the profile setting that would name it', async t => {
  const noYear = parsePlanDocument('Anyshire DAAT\nPlan period: twenty ten\n\nSection 1: Access\nObjective 1: Faster\nAction\tBy when\tBy whom\nOpen a clinic\tJune 2010\tCDT\n')
  t.notOk(noYear.ok)
  t.match(!noYear.ok && noYear.reason, /no plan year.*name the label in an import profile: \{"header": \{"title": \["plan year"\]\}\}/)
})

t.test('summary rows naming a grid by its letter and title ("A – Commissioning …") are that grid\'s budget', async t => {
  const doc = `${HEAD}SECTION A – COMMISSIONING THE TREATMENT SYSTEM\nPriority A1: Commission well\nRef\tAction\tLead\tTimescale\nA1.1\tRefresh the needs assessment\tDAAT Manager\tJune 2010\n\nSECTION B – REDUCING HARM\nPriority B1: Fewer deaths\nRef\tAction\tLead\tTimescale\nB1.1\tSupply naloxone\tPrison team\tJuly 2010\n\nBudget summary\n\nSection\t2009/10 planned\t2009/10 outturn\t2010/11 planned\nA – Commissioning the treatment system\t£1,402,300\t£1,388,950\t£1,455,000\nB – Reducing harm\t£96,000\t£101,420\t£104,500\nTotal\t£1,498,300\t£1,490,370\t£1,559,500\n`
  const { plan } = read(t, doc)
  t.same(plan.grids.map(g => g.budget?.lines.map(l => [l.label, l.plannedLastYear?.text, l.likelyLastYear?.text, l.plannedThisYear?.text])), [
    [['Total', '£1,402,300', '£1,388,950', '£1,455,000']],
    [['Total', '£96,000', '£101,420', '£104,500']],
  ])
  t.same(plan.budget?.lines.map(l => l.label), ['Total'])
})
