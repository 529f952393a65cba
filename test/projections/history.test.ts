// Audit history: given a plan's events, when its history is paged or filtered, then every
// event, oldest first, nothing folded; CSV carries the same entries.
import { parse } from 'csv-parse/sync'
import t from 'tap'
import { historyPage, type HistoryEntry } from '../../src/projections/folds/history.js'
import { historyCsv } from '../../src/presentation/historyCsv.js'
import { commissioner, provider, PlanScript } from './support/planScript.js'

const cnwl = provider('CNWL')

function plan() {
  const s = new PlanScript('p-hist', '2008-04-02T09:00:00.000Z').create('Slough DAAT', '2008/09')
  const g = s.grid(1, 'Treatment')
  const o = s.objective(g, 'Waiting times', '1')
  const a = s.action(o, { text: 'Reduce waits to 3 weeks', due: 'Qtr 1', owners: ['CNWL'] })
  const b = s.action(o, { text: 'Publish waits monthly', due: 'Ongoing' })
  s.at('2008-06-30T10:00:00Z').as(cnwl).run({ type: 'ReportProgress', actionId: a, effectiveDate: '2008-06-30', note: 'Waits at 4 weeks' })
  // The same note twice: both kept.
  s.at('2008-06-30T10:00:01Z').run({ type: 'ReportProgress', actionId: a, effectiveDate: '2008-06-30', note: 'Waits at 4 weeks' })
  s.at('2008-07-12T14:00:00Z').as(commissioner).run({ type: 'SetRag', actionId: a, rag: 'amber', effectiveDate: '2008-07-12', reason: 'Slipping' })
  s.run({ type: 'AssignOwner', actionId: b, owner: 'DAAT' })
  return { s, g, o, a, b }
}

t.test('given a plan history, when read whole, then one entry per event in order with the contract fields', async t => {
  const { s, g, o, a } = plan()
  const page = historyPage(s.events)
  t.equal(page.items.length, s.events.length, 'nothing folded or deduplicated')
  t.equal(page.next, undefined, 'no next page')
  t.same(page.items.map(i => i.position), s.events.map((_, i) => i + 1))
  t.same(page.items.map(i => i.type), ['PlanCreated', 'GridAdded', 'ObjectiveAdded', 'ActionAdded', 'ActionAdded', 'ProgressReported', 'ProgressReported', 'RagSet', 'OwnerAssigned'])
  t.same(page.items[0], {
    position: 1, type: 'PlanCreated', recordedAt: '2008-04-02T09:00:00.000Z',
    actor: { tokenId: 'tok-commissioner', role: 'commissioner', label: 'Ealing DAAT commissioner' },
    planId: 'p-hist', data: { planId: 'p-hist', partnership: 'Slough DAAT', year: '2008/09', title: 'Adult drug treatment plan 2008/09' },
  }, 'no effectiveDate or item ids where the event has none')
  const progress = page.items[5]
  t.same(Object.keys(progress), ['position', 'type', 'recordedAt', 'effectiveDate', 'actor', 'planId', 'gridId', 'objectiveId', 'actionId', 'data'])
  t.match(progress, { effectiveDate: '2008-06-30', gridId: g, objectiveId: o, actionId: a, actor: { tokenId: 'tok-cnwl', role: 'provider', label: 'CNWL system' }, data: { note: 'Waits at 4 weeks' } })
})

t.test('filter by action', async t => {
  const { s, a, b } = plan()
  t.same(historyPage(s.events, { actionId: a }).items.map(i => i.type), ['ActionAdded', 'ProgressReported', 'ProgressReported', 'RagSet'])
  t.same(historyPage(s.events, { actionId: b }).items.map(i => i.position), [5, 9])
  t.same(historyPage(s.events, { actionId: 'nope' }).items, [])
})

t.test('page by position: next is the after of the following page', async t => {
  const { s, a } = plan()
  const seen: number[] = []
  let after: number | undefined
  let pages = 0
  do {
    const page = historyPage(s.events, { after, limit: 4 })
    seen.push(...page.items.map(i => i.position))
    after = page.next
    pages++
    if (page.next !== undefined) t.equal(page.next, page.items[page.items.length - 1].position)
  } while (after !== undefined)
  t.equal(pages, 3)
  t.same(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9])
  const exact = historyPage(s.events, { limit: 9 })
  t.equal(exact.items.length, 9)
  t.equal(exact.next, undefined, 'no next when the page ends exactly at the last entry')
  const filtered = historyPage(s.events, { actionId: a, after: 4, limit: 2 })
  t.same(filtered.items.map(i => i.position), [6, 7])
  t.equal(filtered.next, 7)
  t.same(historyPage(s.events, { actionId: a, after: 7, limit: 2 }).items.map(i => i.position), [8])
})

t.test('limits: default 100, at most 1000, at least 1', async t => {
  const s = new PlanScript('p-long').create()
  const g = s.grid(1, 'Grid')
  for (let i = 0; i < 1100; i++) s.run({ type: 'RecordGridNarrative', gridId: g, section: 'other', text: `note ${i}` })
  t.equal(historyPage(s.events).items.length, 100)
  t.equal(historyPage(s.events).next, 100)
  t.equal(historyPage(s.events, { limit: 5000 }).items.length, 1000)
  t.equal(historyPage(s.events, { limit: 0 }).items.length, 1)
  t.equal(historyPage(s.events, { after: 1100 }).items.length, 2)
})

t.test('CSV: one row per entry, data as JSON, parsed back it matches', async t => {
  const { s } = plan()
  const items = historyPage(s.events).items
  const csv = historyCsv(items)
  t.ok(csv.startsWith('\uFEFF'))
  const rows: Record<string, string>[] = parse(csv, { bom: true, columns: true })
  t.equal(rows.length, items.length)
  t.same(Object.keys(rows[0]), ['position', 'type', 'recordedAt', 'effectiveDate', 'actorTokenId', 'actorRole', 'actorLabel', 'planId', 'gridId', 'objectiveId', 'actionId', 'data'])
  const back: HistoryEntry[] = rows.map(r => ({
    position: Number(r.position),
    type: r.type as HistoryEntry['type'],
    recordedAt: r.recordedAt,
    ...(r.effectiveDate ? { effectiveDate: r.effectiveDate } : {}),
    actor: { tokenId: r.actorTokenId || null, role: r.actorRole as HistoryEntry['actor']['role'], label: r.actorLabel || null },
    planId: r.planId,
    ...(r.gridId ? { gridId: r.gridId } : {}),
    ...(r.objectiveId ? { objectiveId: r.objectiveId } : {}),
    ...(r.actionId ? { actionId: r.actionId } : {}),
    data: JSON.parse(r.data),
  }))
  t.same(back, items)
})

t.test('CSV cells that a spreadsheet would run as formulas are made inert', async t => {
  const { neutraliseFormula, toCsv } = await import('../../src/presentation/csv.js')
  t.equal(neutraliseFormula('=HYPERLINK("http://evil","click")'), `'=HYPERLINK("http://evil","click")`)
  t.equal(neutraliseFormula('+44 20 7946 0000'), "'+44 20 7946 0000")
  t.equal(neutraliseFormula('@SUM(A1)'), "'@SUM(A1)")
  t.equal(neutraliseFormula('12 staff trained'), '12 staff trained')
  const csv = toCsv([{ header: 'note', value: (r: { note: string }) => r.note }, { header: 'n', value: () => -5 }], [{ note: '=1+1' }])
  t.match(csv, /'=1\+1,-5/, 'text neutralised, numbers untouched')
})
