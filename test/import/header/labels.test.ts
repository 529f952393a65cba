// Header lines a person reads as label and value: "Partnership name: Croydon" names the
// partnership, "Date published: 1 October 2007" is kept as the plan's `published` date, a
// "Title:" line (or the plan's title line) is its title. Labels are recognised loosely (the
// profile's words in any order with filler words, any separator, any case), in text and in Word.
import t from 'tap'
import { parseDocx } from '../../../src/import/docx/parseDocx.js'
import { parsePlanDocument, type ParsedPlan } from '../../../src/import/index.js'
import { parsePublishedDate } from '../../../src/import/publishedDate.js'
import { startHarness } from '../../support/harness.js'
import { documentXml, makeDocx, para } from '../docx/support/docx.js'

/** One grid, one objective, two actions: the hand counts of every document below. */
const BODY = [
  '',
  'Planning grid 1: Harm reduction',
  'Objective 1: Reduce drug related deaths',
  'Action\tBy when\tBy whom',
  '1.1 Train hostel staff in overdose awareness\tMarch 2009\tDAT',
  '1.2 Supply naloxone on release from prison\tJune 2008\tProbation',
].join('\n')

const CROYDON = ['Croydon Drug and Alcohol Action Team', 'Adult Drug Treatment Plan 2008/09', 'Partnership name: Croydon', 'Date published: 1 October 2007'].join('\n') + BODY

function parsed(text: string): { plan: ParsedPlan; warnings: string[] } {
  const result = parsePlanDocument(text)
  if (!result.ok) throw new Error(result.reason)
  return { plan: result.plan, warnings: result.warnings.map(w => `line ${w.line}: ${w.message}`) }
}

function counts(plan: ParsedPlan): [number, number, number] {
  const objectives = plan.grids.flatMap(g => g.objectives)
  return [plan.grids.length, objectives.length, objectives.reduce((n, o) => n + o.actions.length, 0)]
}

t.test('the issue\'s header: partnership "Croydon", published 2007-10-01, the title line is the title', async t => {
  const { plan, warnings } = parsed(CROYDON)
  t.equal(plan.partnership, 'Croydon', 'the label wins over the line ending in "Action Team"')
  t.equal(plan.published, '2007-10-01')
  t.equal(plan.title, 'Adult Drug Treatment Plan 2008/09')
  t.equal(plan.year, '2008/09')
  t.same(counts(plan), [1, 1, 2], 'hand count: 1 grid, 1 objective, 2 actions')
  t.notOk(warnings.some(w => /partnership|published/i.test(w)), warnings.join('\n'))
})

t.test('labels are recognised loosely: other words, any separator, any case', async t => {
  const cases: Array<[string, Partial<ParsedPlan>]> = [
    ['PARTNERSHIP NAME – Croydon\nPublication date ..... 1st Oct 2007\nAdult drug treatment plan 2008/09', { partnership: 'Croydon', published: '2007-10-01' }],
    ['Name of the partnership = Kingston\nDate of publication: 14 March 2008\nTreatment plan 2008-09', { partnership: 'Kingston', published: '2008-03-14' }],
    ['DAAT: Sutton\nIssued: 02/04/2008\nTitle: Sutton young people and adults plan 2008/09', { partnership: 'Sutton', published: '2008-04-02', title: 'Sutton young people and adults plan 2008/09' }],
    ['Partnership | Merton\nPublished — April 3, 2008\nAdult drug treatment plan 2008/09', { partnership: 'Merton', published: '2008-04-03' }],
    ['Partnership\tBromley\nDate published\t1 May 2008\nAdult drug treatment plan 2008/09', { partnership: 'Bromley', published: '2008-05-01' }],
  ]
  for (const [header, expected] of cases) {
    const { plan } = parsed(header + BODY)
    t.match(plan, expected, header.split('\n')[0])
    t.same(counts(plan), [1, 1, 2], 'hand count: 1 grid, 1 objective, 2 actions')
  }
})

t.test('what is not a label stays as it was', async t => {
  // "Partnership board members" is not the partnership's label; the ending line names it.
  const { plan } = parsed('Ealing DAAT\nPartnership board members: J Smith, A Jones\nAdult drug treatment plan 2006/07' + BODY)
  t.equal(plan.partnership, 'Ealing DAAT')
  t.equal(plan.published, undefined, 'no publication date: none recorded')
  const bad = parsed('Ealing DAAT\nDate published: to follow\nAdult drug treatment plan 2006/07' + BODY)
  t.equal(bad.plan.published, undefined)
  t.match(bad.warnings.join('\n'), /line 2: "to follow" under the label "date published" is not a date/)
})

t.test('a profile adds its own label words', async t => {
  const text = 'Partnership name: Croydon\nReleased: 2 May 2008\nAdult drug treatment plan 2008/09' + BODY
  t.equal(parsed(text).plan.published, undefined, 'the built-in profile does not know "Released"')
  const result = parsePlanDocument(text, { profile: { header: { published: ['released'] } } })
  t.ok(result.ok && result.plan.published === '2008-05-02', 'with the profile it is the publication date')
})

t.test('publication dates as people write them', async t => {
  const dates: Array<[string, string | null]> = [
    ['1 October 2007', '2007-10-01'],
    ['1st October 2007', '2007-10-01'],
    ['Monday 1 October 2007', '2007-10-01'],
    ['1 Sept 2007', '2007-09-01'],
    ['1 Sep 2007', '2007-09-01'],
    ['October 1, 2007', '2007-10-01'],
    ['01/10/2007', '2007-10-01'],
    ['2007-10-01', '2007-10-01'],
    ['October 2007', null],
    ['2007/08', null],
    ['31 February 2008', null],
  ]
  for (const [text, iso] of dates) t.equal(parsePublishedDate(text), iso, text)
})

t.test('a Word document: labels in paragraphs and in a two-cell table row', async t => {
  const row = (a: string, b: string) => `<w:tr><w:tc>${para(a)}</w:tc><w:tc>${para(b)}</w:tc></w:tr>`
  const cells = (...texts: string[]) => `<w:tr>${texts.map(x => `<w:tc>${para(x)}</w:tc>`).join('')}</w:tr>`
  const xml = documentXml(
    para('Croydon Drug and Alcohol Action Team') +
      para('Adult Drug Treatment Plan 2008/09') +
      `<w:tbl>${row('Partnership name', 'Croydon')}${row('Date published', '1 October 2007')}</w:tbl>` +
      para('Planning grid 1: Harm reduction') +
      para('Objective 1: Reduce drug related deaths') +
      `<w:tbl>${cells('Action', 'By when', 'By whom')}${cells('1.1 Train hostel staff in overdose awareness', 'March 2009', 'DAT')}${cells('1.2 Supply naloxone on release from prison', 'June 2008', 'Probation')}</w:tbl>`,
  )
  const result = await parseDocx(await makeDocx({ 'word/document.xml': xml }))
  if (!result.ok) throw new Error(result.reason)
  t.equal(result.plan.partnership, 'Croydon')
  t.equal(result.plan.published, '2007-10-01')
  t.equal(result.plan.title, 'Adult Drug Treatment Plan 2008/09')
  t.same(counts(result.plan), [1, 1, 2], 'hand count: 1 grid, 1 objective, 2 actions')
})

t.test('through the API: the plan state shows partnership and published', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const res = await h.request({ method: 'POST', url: '/v1/imports', payload: CROYDON, headers: { 'content-type': 'text/plain' } })
  t.equal(res.statusCode, 201, res.body)
  const plan = (await h.request({ method: 'GET', url: `/v1/plans/${res.json().planId}` })).json()
  t.match(plan, { partnership: 'Croydon', published: '2007-10-01', title: 'Adult Drug Treatment Plan 2008/09' })
  const dry = await h.request({ method: 'POST', url: '/v1/imports?dryRun=true&force=true', payload: CROYDON, headers: { 'content-type': 'text/plain' } })
  t.equal(dry.json().plan.published, '2007-10-01', 'the dry run shows it too')
  const created = await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Sutton', year: '2008/09', published: '2008-04-02' } })
  t.equal(created.statusCode, 201)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${created.json().id}` })).json().published, '2008-04-02', 'POST /v1/plans takes it as well')
  const bad = await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Sutton', year: '2008/09', published: '1 April 2008' } })
  t.equal(bad.statusCode, 400)
})
