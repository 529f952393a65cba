// A budget summary's rows that name no grid are the plan's own budget (PlanBudgetRecorded), and a
// dry run shows, for each recognised element, where it is and the rule that recognised it: in
// the POST /v1/imports?dryRun=true answer (checked against the OpenAPI document) and in
// `gridledger import --dry-run`.
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ValidationError, NotFoundError } from '../../src/domain/errors.js'
import type { PlanEvent } from '../../src/domain/events.js'
import { main } from '../../src/cli/main.js'
import { given } from '../domain/support/givenWhenThen.js'
import { startHarness } from '../support/harness.js'

const P = 'plan-1'
const created: PlanEvent = { type: 'PlanCreated', data: { planId: P, partnership: 'Anyshire DAAT', year: '2010/11', title: 'Plan 2010/11' } }
const lines = [{ label: 'Central costs', plannedLastYear: { text: '£50', pence: 5000 }, likelyLastYear: null, plannedThisYear: { text: '£60', pence: 6000 } }]

t.test('RecordPlanBudget: given a plan, the plan budget is recorded; refused without a plan or lines', async t => {
  given(t, [created]).when({ type: 'RecordPlanBudget', lines }).then([{ type: 'PlanBudgetRecorded', data: { planId: P, lines } }])
  given(t, [created]).when({ type: 'RecordPlanBudget', lines: [] }).thenThrows(ValidationError)
  given(t, []).when({ type: 'RecordPlanBudget', lines }).thenThrows(NotFoundError)
})

/** Hand count: 2 grids, 2 objectives, 3 actions; grid 1's budget and the plan's from the summary. */
const DOC = `Anyshire DAAT
Adult Drug Treatment Plan 2010/11

SECTION A – COMMISSIONING
Priority A1: Commission well
A1.1\tRefresh the needs assessment\tDAAT Manager\tJune 2010\t£5,000\tG
A1.2\tRetender the day programme\tCommissioner\tMarch 2011\t£120,000\tA

SECTION B – HARM REDUCTION
Priority B1: Fewer deaths
Ref\tAction\tLead\tTimescale
B1.1\tSupply naloxone\tPrison team\tJuly 2010

Contacts
Name\tRole\tEmail
Jo Bloggs\tDAAT Manager\tjo@anyshire.gov.uk

Section\tPlanned 2009/10\tOutturn 2009/10\tPlanned 2010/11
Section A\t£1,402\t£1,380\t£1,450
Central costs\t£50\t£45\t£60
`

t.test('POST /v1/imports?dryRun=true: the recognised elements with their rules; the import records the plan budget', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const post = (query: string) => h.request({ method: 'POST', url: `/v1/imports${query}`, payload: DOC, headers: { 'content-type': 'text/plain' } })
  const dry = await post('?dryRun=true')
  t.equal(dry.statusCode, 200, dry.body)
  const body = dry.json()
  t.same(body.counts, { grids: 2, objectives: 2, actions: 3 })
  const at = (where: string) => body.recognised.filter((r: { at: string }) => r.at === where)
  t.match(at('line 4'), [{ element: 'grid', rule: /grid heading: "SECTION" with a number in letter \("A"\)/ }])
  t.match(at('line 5'), [{ element: 'objective', rule: /objective heading: "Priority" numbered "A1"/ }])
  t.match(at('line 6'), [
    { element: 'table', rule: /action table with no header row: column 1 is number \(by content: 2 of 2 cells are action numbers\)/ },
    { element: 'column', rule: 'column 1 is number (by content: 2 of 2 cells are action numbers)' },
    { element: 'column', rule: 'column 2 is action (by position: the first column the header and cells leave unnamed)' },
    { element: 'column', rule: 'column 3 is who (by position: the one column of short text left beside the actions)' },
    { element: 'column', rule: 'column 4 is when (by content: 2 of 2 cells are dates or timescales)' },
    { element: 'column', rule: 'column 5 is cost (by content: 2 of 2 cells are amounts of money)' },
    { element: 'column', rule: 'column 6 is rag (by content: 2 of 2 cells are RAG ratings)' },
    { element: 'action', rule: /row of the action table at line 6, numbered "A1.1" by the number column/ },
  ])
  t.match(at('line 11'), [
    { element: 'table', rule: /"Ref" is number \(by header: profile word "\^ref\$"\)/ },
    ...['"Ref" is number', '"Action" is action', '"Lead" is who', '"Timescale" is when'].map(c => ({ element: 'column', rule: new RegExp(`^${c} \\(by header`) })),
  ])
  t.match(at('line 15'), [{ element: 'left out', rule: /contact list \(header word "name"\)/ }])
  t.match(at('line 19'), [{ element: 'budget', rule: /"Section A" names grid 1/ }])
  t.match(at('line 20'), [{ element: 'budget', rule: /names no grid; kept as the plan's budget/ }])
  t.same(body.plan.budget.map((l: { label: string }) => l.label), ['Central costs'], 'the preview shows the plan budget')
  t.same(body.plan.grids[0].budget.map((l: { plannedThisYear: { text: string } }) => l.plannedThisYear.text), ['£1,450'])

  const real = await post('')
  t.equal(real.statusCode, 201, real.body)
  t.equal(real.json().recognised, undefined, 'only a dry run explains itself')
  const plan = await h.request({ method: 'GET', url: `/v1/plans/${real.json().planId}` })
  t.same(plan.json().budget.map((l: { label: string; plannedThisYear: { pence: number } }) => [l.label, l.plannedThisYear.pence]), [['Central costs', 6000]])
  t.equal(plan.json().grids[1].budget, null, 'grid B named by no summary row has no budget')
})

t.test('gridledger import --dry-run prints each recognised element and its rule', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-tables-cli-'))
  const saved = process.env.GRIDLEDGER_STORE
  // A dry run reads only: it opens an existing store (here one in memory) and creates none.
  process.env.GRIDLEDGER_STORE = 'memory:'
  t.teardown(() => {
    if (saved === undefined) delete process.env.GRIDLEDGER_STORE
    else process.env.GRIDLEDGER_STORE = saved
  })
  writeFileSync(join(dir, 'plan.txt'), DOC)
  const out: string[] = []
  const err: string[] = []
  const code = await main(['import', join(dir, 'plan.txt'), '--dry-run'], l => out.push(l), l => err.push(l))
  t.equal(code, 0, err.join('\n'))
  t.match(out[0], /would import plan .*: 2 grids, 2 objectives, 3 actions/)
  t.ok(out.includes('recognised: line 4: grid: grid heading: "SECTION" with a number in letter ("A") and "–"'), out.join('\n'))
  t.ok(out.some(l => /^recognised: line 15: left out: left out: a contact list/.test(l)))
  t.ok(out.some(l => /^recognised: line 20: budget: .*the plan's budget/.test(l)))
})
