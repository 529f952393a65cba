import t, { type Test } from 'tap'
import { parsePlanDocument, planCommands, importEffectiveDates, MAX_DOCUMENT_BYTES } from '../../src/import/index.js'
import { actionCounts, decideAll, fixture, generalChecks, importCommands, parseOk, SEEDS, sha256 } from './support/seeds.js'

// ---- other layouts: the parser reads structure, not the four seeds' positions ------------------

const PIPE_PLAN = `Northshire Drug and Alcohol Action Team
Treatment plan 2017-2018

Section 1: Harm reduction

Key priorities:
Reduce drug-related deaths across the county.

Objective 1: Increase naloxone supply

| Action | Deadline | Lead | Budget | RAG |
|---|---|---|---|---|
| 1. Train pharmacy staff in naloxone supply | Qtr 1 | Pharmacy lead / CDA | £4,000 | Green |
| 2. Supply kits on release from prison | June 2017 | Prison team & Probation | 5k | Amber |
| | | | | |
| 3. Audit take-up of kits across all | March 2018 | Commissioner | Within resources | Red |
| outlets and report to the board | | | | |
| Action | Deadline | Lead | Budget | RAG |
| 4. Publish the audit | April 2018 | Commissioner | | |

Expected outcomes: 200 kits supplied

Action point\tProgress to date\tFurther action
2\tKits supplied to 40 prisoners\tExtend to CARAT clients
9\tSomething about an action that does not exist\t

Section 2 – Workforce

Objective 2.1 - Train the workforce
| Action | Deadline | Lead | Budget |
| Deliver &quot;Motivational Interviewing&quot; training &amp; follow-up | Sept 2017 | Training lead | &pound;2,500 |
| See grid 1 actions | | | |
`

t.test('another layout: "Section N:" headings, a pipe table with Action | Deadline | Lead | Budget | RAG', async t => {
  const { plan, warnings } = parseOk(t, PIPE_PLAN)
  t.equal(plan.partnership, 'Northshire Drug and Alcohol Action Team')
  t.equal(plan.year, '2017/18', '"2017-2018" normalised')
  t.same(
    plan.grids.map(g => [g.number, g.title]),
    [
      [1, 'Harm reduction'],
      [2, 'Workforce'],
    ],
  )
  t.same(actionCounts(plan), [[4], [1]], 'the wrapped row is merged, the repeated header is skipped, the see-grid row is not an action')
  const [a1, a2, a3, a4] = plan.grids[0].objectives[0].actions
  t.same([a1.number, a1.text, a1.due, a1.owners, a1.cost, a1.rag], ['1', 'Train pharmacy staff in naloxone supply', 'Qtr 1', ['Pharmacy lead', 'CDA'], '£4,000', 'green'])
  t.same([a2.due, a2.cost, a2.rag], ['June 2017', '5k', 'amber'])
  t.same([a3.text, a3.due, a3.rag], ['Audit take-up of kits across all outlets and report to the board', 'March 2018', 'red'])
  t.same([a4.text, a4.rag], ['Publish the audit', null])
  t.same(a2.progress, { note: 'Kits supplied to 40 prisoners', furtherAction: 'Extend to CARAT clients', line: 24 })
  t.ok(warnings.some(w => w.line === 25 && /matches no single action/.test(w.message)), 'an unmatched progress row is reported')
  t.same(plan.grids[0].objectives[0].outcomes, ['200 kits supplied'])
  t.equal(plan.grids[0].narratives.find(n => n.section === 'key_priorities')?.text, 'Reduce drug-related deaths across the county.')
  const o2 = plan.grids[1].objectives[0]
  t.same([o2.number, o2.text], ['2.1', 'Train the workforce'])
  t.same([o2.actions[0].text, o2.actions[0].cost], ['Deliver "Motivational Interviewing" training & follow-up', '£2,500'], 'entities decoded')
  t.ok(warnings.some(w => w.line === 32 && /cross-reference/.test(w.message)))
  generalChecks(t, plan, warnings, PIPE_PLAN.split('\n').length)

  const { events } = decideAll(importCommands(PIPE_PLAN, plan))
  const rags = events.filter(e => e.type === 'RagSet')
  t.equal(rags.length, 3)
  t.same(
    rags.map(e => e.type === 'RagSet' && [e.data.rag, e.data.effectiveDate, e.data.source?.line]),
    [
      ['green', '2017-04-01', 13],
      ['amber', '2017-04-01', 14],
      ['red', '2017-04-01', 16],
    ],
  )
  const progress = events.filter(e => e.type === 'ProgressReported')
  t.same(
    progress.map(e => e.type === 'ProgressReported' && [e.data.note, e.data.furtherAction, e.data.effectiveDate, e.data.status]),
    [['Kits supplied to 40 prisoners', 'Extend to CARAT clients', '2018-03-31', null]],
  )
})

const HTML_PLAN = `<html><body>
<h1>Westvale DAAT</h1>
<p>Adult drug treatment plan 2008/9</p>
<h2>PLANNING GRID TWO: Open access</h2>
<p><b>Objective 1</b> Improve outreach to rough sleepers</p>
<table>
<tr><th>Actions and milestones</th><th>By when</th><th>By whom</th><th>Costs</th></tr>
<tr>
  <td><p>1.1 Recruit an outreach worker</p><p>1.2 Map hotspots with the police</p></td>
  <td><p>May 2008</p><p>July 2008</p></td>
  <td><p>CDA</p><p>DAAT</p></td>
  <td>&pound;30,000</td>
</tr>
<tr><td>Review the service</td><td>March 2009</td><td>JCG</td><td>Within resources</td></tr>
</table>
</body></html>`

t.test('another layout: HTML headings and an HTML table with packed <p> cells', async t => {
  const { plan, warnings } = parseOk(t, HTML_PLAN)
  t.equal(plan.partnership, 'Westvale DAAT')
  t.equal(plan.year, '2008/09', '"2008/9" normalised')
  t.same(
    plan.grids.map(g => [g.number, g.title]),
    [[2, 'Open access']],
  )
  const o = plan.grids[0].objectives[0]
  t.equal(o.text, 'Improve outreach to rough sleepers')
  t.same(
    o.actions.map(a => [a.number, a.text, a.due, a.owners, a.cost]),
    [
      ['1.1', 'Recruit an outreach worker', 'May 2008', ['CDA'], '£30,000'],
      ['1.2', 'Map hotspots with the police', 'July 2008', ['DAAT'], ''],
      [null, 'Review the service', 'March 2009', ['JCG'], 'Within resources'],
    ],
  )
  t.ok(warnings.some(w => /one cost "£30,000" for 2 actions/.test(w.message)))
  generalChecks(t, plan, warnings, HTML_PLAN.split('\n').length)
  decideAll(importCommands(HTML_PLAN, plan))
})

t.test('headings in other words', async t => {
  const doc = (heading: string) => `Eastshire DAT\nAdult drug treatment plan 2010/11\n\n${heading}\n\nObjective 1: Do things\n\nAction\tBy when\tBy whom\nDo a thing\tMay 2010\tDAT\n`
  for (const [heading, number, title] of [
    ['PLANNING GRID THREE: Residential', 3, 'Residential'],
    ['Planning section 4 - Recovery', 4, 'Recovery'],
    ['## Grid 5: Carers', 5, 'Carers'],
    ['Section 6', 6, 'Section 6'],
    ['PLANNING GRID ONE', 1, 'Planning grid 1'],
  ] as const) {
    const r = parsePlanDocument(doc(heading))
    t.ok(r.ok, heading)
    if (!r.ok) continue
    t.same([r.plan.grids[0].number, r.plan.grids[0].title], [number, title], heading)
    t.equal(r.plan.grids[0].objectives[0].actions[0].text, 'Do a thing')
  }
  const titled = parsePlanDocument('Eastshire DAT\nTreatment plan 2010/11\n\nPLANNING GRID TWO\nHarm reduction\n\nObjective 1: X\nAction\tBy when\tBy whom\nDo\tMay 2010\tDAT\n')
  t.ok(titled.ok && titled.plan.grids[0].title === 'Harm reduction', 'a title on the line after a bare heading')
  for (const [label, year] of [
    ['2006/07', '2006/07'],
    ['2006/7', '2006/07'],
    ['2006-07', '2006/07'],
    ['2017-18', '2017/18'],
    ['2017/2018', '2017/18'],
    ['1999/00', '1999/00'],
  ]) {
    const r = parsePlanDocument(`Eastshire DAT\nTreatment plan ${label}\n\nPlanning grid 1: A\n\nObjective 1: X\nAction\tBy when\nDo\tMay\n`)
    t.equal(r.ok && r.plan.year, year, `year "${label}"`)
  }
})

t.test('extraction noise: CRLF line ends, &nbsp; and entities, tables without outer pipes, HTML lists', async t => {
  const slough = fixture(SEEDS.slough)
  const noisy = slough.replace(/\n/g, '\r\n').replace(/By when/g, 'By&nbsp;when').replace(/ & /g, ' &amp; ')
  const a = parseOk(t, slough).plan
  const b = parseOk(t, noisy).plan
  t.same(actionCounts(b), actionCounts(a), 'same structure')
  t.same(
    b.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(x => [x.text, x.due, x.owners, x.line]))),
    a.grids.flatMap(g => g.objectives.flatMap(o => o.actions.map(x => [x.text, x.due, x.owners, x.line]))),
    'same actions, same lines',
  )

  const doc = [
    'Southby DAAT',
    'Adult drug treatment plan 2012/13',
    '',
    'Planning grid 1: Harm reduction',
    '',
    'Gap analysis',
    '<ul><li>&#x2718; No naloxone scheme</li><li>Few outreach sessions</li></ul>',
    '',
    'Objective 1 - Start a naloxone scheme',
    '',
    'Action | By when | By whom | Cost',
    '--- | --- | --- | ---',
    '1. Agree a protocol | Qtr 1 | Harm Reduction Lead | Within resources',
    '2. Train staff | Q2 | Provider | £1,200',
  ].join('\n')
  const { plan, warnings } = parseOk(t, doc)
  t.equal(plan.grids[0].narratives.find(n => n.section === 'gap_analysis')?.text, 'No naloxone scheme\nFew outreach sessions')
  t.same(
    plan.grids[0].objectives[0].actions.map(x => [x.number, x.text, x.due, x.owners, x.cost]),
    [
      ['1', 'Agree a protocol', 'Qtr 1', ['Harm Reduction Lead'], 'Within resources'],
      ['2', 'Train staff', 'Q2', ['Provider'], '£1,200'],
    ],
  )
  generalChecks(t, plan, warnings, doc.split('\n').length)
})

// ---- all four seeds ---------------------------------------------------------------------------

t.test('all seeds: continuations merged, no headers or tags in actions, warnings with lines, decidable', async t => {
  for (const name of Object.values(SEEDS)) {
    const text = fixture(name)
    const { plan, warnings } = parseOk(t, text)
    generalChecks(t, plan, warnings, text.split('\n').length)
    t.ok(plan.grids.length > 0, `${name}: grids`)
    const commands = importCommands(text, plan)
    t.equal(commands[0].type, 'CreatePlan')
    const hash = sha256(text)
    t.same(commands[0].type === 'CreatePlan' && commands[0].source, { document: 'upload', sha256: hash })
    for (const c of commands.slice(1)) {
      const source = (c as { source?: { document: string; line: number } }).source
      t.ok(source && source.document === hash && Number.isInteger(source.line) && source.line >= 1, `${name}: ${c.type} carries its source line`)
    }
    const { events } = decideAll(commands)
    t.equal(events.length, commands.length, `${name}: every command decided into one event`)
  }
})

t.test('planCommands: order, ids, document name, effective dates', async t => {
  const text = fixture(SEEDS.slough)
  const { plan } = parseOk(t, text)
  let n = 0
  const commands = planCommands(plan, { planId: 'p', newId: () => `x${++n}`, document: 'abc', today: '2026-11-23', documentName: 'slough.txt' })
  t.same(commands[0], {
    type: 'CreatePlan',
    planId: 'p',
    partnership: 'Slough Drug and Alcohol Action Team',
    year: '2009/10',
    title: 'Adult drug treatment plan 2009/10 Part 3: Planning grids',
    source: { document: 'slough.txt', sha256: 'abc' },
  })
  t.same(
    commands.slice(1, 4).map(c => c.type),
    ['AddGrid', 'RecordGridNarrative', 'AddObjective'],
  )
  const ids = commands.flatMap(c => ('actionId' in c && c.type === 'AddAction' ? [c.actionId] : []))
  t.equal(new Set(ids).size, ids.length, 'fresh ids')
  t.same(importEffectiveDates('2009/10', '2026-11-23'), { rag: '2009-04-01', progress: '2010-03-31' })
  t.same(importEffectiveDates('2026/27', '2026-11-23'), { rag: '2026-04-01', progress: '2026-11-23' }, 'the year is still running: progress as at today')
  t.same(importEffectiveDates('2027/28', '2026-11-23'), { rag: '2026-11-23', progress: '2026-11-23' }, 'a plan for next year: never a future date')
})

// ---- bad input is refused, with a clear reason, and records nothing ---------------------------

function refused(t: Test, text: string, reason: RegExp, what: string): void {
  const r = parsePlanDocument(text)
  t.equal(r.ok, false, `${what} is refused`)
  if (!r.ok) t.match(r.reason, reason, `${what}: ${r.reason}`)
  t.notOk('plan' in r, `${what}: no plan, so nothing can be recorded`)
}

/** Random words, tabs, pipes and line breaks, about `bytes` long in UTF-8 (mulberry32, seeded). */
function randomWords(bytes: number, seed = 42): string {
  const words = ['drug', 'plan', 'action', 'the', 'of', 'grid', 'section', 'objective', 'Amber', 'Red', '2006/07', 'by', 'when', 'whom', '£150,000', 'April', 'see', '1.1', 'Update:', '|', 'Qtr', 'a', '<p>', 'Objective 2', '&amp;', 'Box 3:']
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let r = Math.imul(state ^ (state >>> 15), 1 | state)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
  const parts: string[] = []
  let size = 0
  while (size < bytes) {
    const w = words[Math.floor(next() * words.length)]
    const roll = next()
    const sep = roll < 0.07 ? '\n' : roll < 0.1 ? '\t' : ' '
    parts.push(w, sep)
    size += Buffer.byteLength(w) + 1
  }
  return parts.join('')
}

t.test('bad input', async t => {
  refused(t, '', /empty/, 'empty text')
  refused(t, '  \n\t\n  ', /empty/, 'whitespace')
  refused(t, 'PK\u0003\u0004\u0000\u0000\u0008\u0000binary', /binary/, 'a zip header with NUL bytes')
  refused(t, Array.from({ length: 4000 }, (_, i) => String.fromCharCode(1 + (i % 8), 65 + (i % 26))).join(''), /binary/, 'mostly control characters')
  refused(t, '\ufffd\ufffd\ufffdPlanning grid 1\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd', /binary/, 'undecodable bytes')
  refused(t, 'The quick brown fox jumps over the lazy dog.\nNothing here is a plan.\n', /no recognisable planning grid.*no plan year/, 'a random text')
  refused(t, 'Ealing DAAT\n\nPlanning grid 1: Commissioning\n\nObjective 1\nDo it\n', /no plan year/, 'grids but no year')
  refused(t, 'Ealing DAAT\nAdult drug treatment plan 2006/07\n\nSome text.\n', /no recognisable planning grid/, 'a year but no grid')
  refused(t, 'Ealing DAAT\nAdult drug treatment plan 2006/08\n\nPlanning grid 1: X\n', /no plan year/, 'a year range that is not a financial year')
})

function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return Math.round((user + system) / 1000)
}

t.test('size limits, and no input that makes the parser hang', async t => {
  // No timing assertions here (speed lives in bench/): a catastrophic regex shows up as the
  // test timeout. CPU times are printed as comments for whoever reads the log.
  const tenMiB = randomWords(10 * 1024 * 1024)
  let start = cpuMs()
  refused(t, tenMiB, /larger than 5 MiB/, '10 MiB of random words')
  t.comment(`10 MiB refused in ${cpuMs() - start} ms of CPU`)

  const justOver = 'a'.repeat(MAX_DOCUMENT_BYTES - 1) + '£' // the pound sign is two bytes in UTF-8
  refused(t, justOver, /larger than 5 MiB/, '5 MiB + 1 byte')

  const fiveMiB = randomWords(MAX_DOCUMENT_BYTES - 1024)
  start = cpuMs()
  const r = parsePlanDocument(fiveMiB)
  const random = cpuMs() - start
  t.ok(Buffer.byteLength(fiveMiB) <= MAX_DOCUMENT_BYTES, 'within the limit, so it is read')
  t.equal(r.ok, false, 'random words are not a plan')
  if (!r.ok) t.match(r.reason, /no recognisable planning grid/)
  t.comment(`5 MiB of random words refused in ${random} ms of CPU`)

  // The same words under a plan header, grid headings and action table headers: every line goes
  // through the whole state machine.
  const lines = randomWords(MAX_DOCUMENT_BYTES - 300_000, 7).split('\n')
  const parts = ['Ealing DAAT', 'Adult drug treatment plan 2006/07', '']
  lines.forEach((line, i) => {
    if (i % 400 === 0) parts.push(`Planning grid ${i / 400 + 1}: Random`, 'Objective 1', 'Actions and milestones\tBy when\tBy whom\tCosts/budget')
    parts.push(line)
  })
  const gridded = parts.join('\n')
  t.ok(Buffer.byteLength(gridded) <= MAX_DOCUMENT_BYTES, `gridded random text is ${Buffer.byteLength(gridded)} bytes`)
  start = cpuMs()
  const g = parsePlanDocument(gridded)
  const griddedMs = cpuMs() - start
  t.ok(g.ok, 'read as a plan')
  t.comment(`5 MiB of random words under grid headings read in ${griddedMs} ms of CPU`)

  const oneLine = 'Planning grid 1: ' + 'x'.repeat(MAX_DOCUMENT_BYTES - 200)
  start = cpuMs()
  t.type(parsePlanDocument(oneLine).ok, 'boolean', 'a single 5 MiB line is read to a verdict')
  t.comment(`a single 5 MiB line read in ${cpuMs() - start} ms of CPU`)

  // A real plan repeated to nearly 5 MiB: many grids, tables and warnings, still quick.
  const ealing = fixture(SEEDS.ealing)
  const big = ealing.repeat(Math.floor((MAX_DOCUMENT_BYTES - 1024) / Buffer.byteLength(ealing)))
  start = cpuMs()
  const bigResult = parsePlanDocument(big)
  const took = cpuMs() - start
  t.ok(bigResult.ok, 'read')
  t.comment(`a ${Math.round(big.length / 1024)} KiB plan read in ${took} ms of CPU`)
  t.ok(bigResult.warnings.length <= 2001, 'warnings are capped')
})
