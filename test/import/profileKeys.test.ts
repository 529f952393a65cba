// Every key of the import profile is read: for each, a document the built-in words read one
// way is read another way once a user's profile adds a word to that key (and only then).
// The built-in words themselves are src/import/profiles/default.ts.
import t from 'tap'
import { parsePlanDocument, parseProfile, type ParsedPlan } from '../../src/import/index.js'
import { DEFAULT_PROFILE } from '../../src/import/profiles/default.js'
import { ImportProfileSchema } from '../../src/import/profiles/schema.js'

const HEAD = 'Riverside DAAT\nAdult drug treatment plan 2009/10\n\n'
const TABLE = 'Objective 1: Shorter waits\nAction\tBy when\tBy whom\n1. Open a Saturday clinic\tJune 2009\tCDT\n'

/** A plan with one grid whose body is the lines given. */
const plan = (...body: string[]) => `${HEAD}Planning grid 1: Treatment\n${body.join('\n')}\n`

function read(text: string, profile?: unknown): { plan: ParsedPlan; warnings: string[] } {
  const r = parsePlanDocument(text, profile === undefined ? {} : { profile: parseProfile(profile) })
  if (!r.ok) throw new Error(r.reason)
  return { plan: r.plan, warnings: r.warnings.map(w => w.message) }
}

const grid = (p: ParsedPlan) => p.grids[0]
const narrative = (p: ParsedPlan, section: string) => grid(p).narratives.filter(n => n.section === section).map(n => n.text)
const actions = (p: ParsedPlan) => grid(p).objectives.flatMap(o => o.actions)

t.test('every key of the schema has built-in words, and the built-in profile is a valid profile', async t => {
  t.same(parseProfile(DEFAULT_PROFILE), DEFAULT_PROFILE, 'the built-in profile is written in the schema users write')
  const shape = ImportProfileSchema.shape
  for (const group of Object.keys(shape).filter(k => k !== 'name' && k !== '$schema') as Array<Exclude<keyof typeof shape, 'name' | '$schema'>>) {
    const keys = Object.keys((shape[group].unwrap() as unknown as { shape: Record<string, unknown> }).shape)
    t.same(Object.keys(DEFAULT_PROFILE[group]).sort(), keys.sort(), `${group}: the built-in profile names every key`)
  }
})

t.test('headings.grid: grids headed "Workstream 2 – …"', async t => {
  const text = `${HEAD}Workstream 2 – Harm reduction\n${TABLE}`
  t.notOk(parsePlanDocument(text).ok, 'refused with the built-in words')
  const { plan: p } = read(text, { headings: { grid: ['workstream'] } })
  t.same(p.grids.map(g => [g.number, g.title]), [[2, 'Harm reduction']])
  t.equal(actions(p).length, 1)
})

t.test('headings.numberWords: "Planning grid dau" is grid 2', async t => {
  const text = `${HEAD}Planning grid dau: Harm reduction\n${TABLE}`
  t.notOk(parsePlanDocument(text).ok, 'refused: "dau" is no number the built-in words know')
  t.same(read(text, { headings: { numberWords: { un: 1, dau: 2 } } }).plan.grids.map(g => g.number), [2])
})

t.test('headings.numberPrefix: "Objective Nr. 3"', async t => {
  const text = plan('Objective Nr. 3: Fewer deaths', 'Action\tBy when\tBy whom', '1. Train hostel staff\tJuly 2009\tHostels forum')
  t.same(grid(read(text).plan).objectives.map(o => o.number), [null], 'without: the actions go to an objective named after the grid')
  t.same(grid(read(text, { headings: { numberPrefix: ['nr'] } }).plan).objectives.map(o => [o.number, o.text]), [['3', 'Fewer deaths']])
})

t.test('headings.page and headings.pageOf: "Seite 3 von 9" inside a table', async t => {
  const text = plan(...TABLE.trim().split('\n'), 'Seite 3 von 9', '2. Publish waiting times\tApril 2009\tDAT')
  const profile = { headings: { page: ['seite'], pageOf: ['von'] } }
  t.notOk(read(text).warnings.some(w => w.includes('page-number lines')))
  t.ok(read(text, profile).warnings.some(w => w.includes('page-number lines such as "Seite 3 von 9"')))
  t.notOk(read(text, { headings: { page: ['seite'] } }).warnings.some(w => w.includes('page-number lines')), '"von" is needed too')
})

t.test('headings.box: "Part 3: Gap analysis" is a template box before a heading', async t => {
  const text = plan('Part 3: Gap analysis', 'Too few residential places')
  t.same(narrative(read(text).plan, 'gap_analysis'), [])
  t.same(narrative(read(text, { headings: { box: ['part'] } }).plan, 'gap_analysis'), ['Too few residential places'])
})

t.test('headings.continuesSentence: "Grid 2 Under review …" is a sentence', async t => {
  const text = plan('Gap analysis', 'Too few places', 'Grid 2 Under review by the board this year')
  t.same(read(text).plan.grids.map(g => g.number), [1, 2], 'without: a heading of grid 2')
  const { plan: p } = read(text, { headings: { continuesSentence: ['under'] } })
  t.same(p.grids.map(g => g.number), [1])
  t.same(narrative(p, 'gap_analysis'), ['Too few places\nGrid 2 Under review by the board this year'], 'the line is the gap analysis\'s text')
})

t.test('headings.objective and objectiveUnnumbered', async t => {
  const text = plan('Commitment 1.1: Shorter waits', 'Action\tBy when\tBy whom', 'Open a clinic\tJune 2009\tCDT', 'Pledge: Fewer deaths', 'Action\tBy when\tBy whom', 'Train staff\tJuly 2009\tDAT')
  t.same(grid(read(text).plan).objectives.map(o => o.number), [null])
  t.same(grid(read(text, { headings: { objective: ['commitment', 'pledge'], objectiveUnnumbered: ['pledge'] } }).plan).objectives.map(o => [o.number, o.text]), [['1.1', 'Shorter waits'], [null, 'Fewer deaths']])
})

t.test('sections: each part of a grid by the profile\'s words', async t => {
  const cases: Array<{ key: string; words: string[]; body: string[]; check: (p: ParsedPlan) => unknown; without: unknown; with: unknown }> = [
    { key: 'selfAssessment', words: ['baseline position'], body: ['Baseline position', 'Waiting times are published monthly Amber'], check: p => grid(p).selfAssessment.map(s => [s.statement, s.rag]), without: [], with: [['Waiting times are published monthly', 'amber']] },
    { key: 'gapAnalysis', words: ['shortfalls'], body: ['Shortfalls: too few places'], check: p => narrative(p, 'gap_analysis'), without: [], with: ['too few places'] },
    { key: 'keyPriorities', words: ['our priorities$'], body: ['Our priorities', 'Faster access'], check: p => narrative(p, 'key_priorities'), without: [], with: ['Faster access'] },
    { key: 'guidance', words: ['advice'], body: ['Gap analysis', 'Too few places', 'Advice: fill in every box'], check: p => narrative(p, 'guidance'), without: [], with: ['fill in every box'] },
    { key: 'objectivesList', words: ['our aims'], body: ['Our aims', '1. Shorter waits', '2. Fewer deaths'], check: p => grid(p).objectives.map(o => o.number), without: [], with: ['1', '2'] },
    { key: 'outcomes', words: ['intended results'], body: ['Objective 1: Shorter waits', 'Intended results: waits under three weeks'], check: p => grid(p).objectives[0].outcomes, without: [], with: ['waits under three weeks'] },
    { key: 'actions', words: ['work programme'], body: ['Objective 1: Shorter waits', 'Work programme'], check: p => grid(p).objectives[0].text, without: 'Shorter waits Work programme', with: 'Shorter waits' },
    { key: 'progress', words: ['monitoring'], body: [...TABLE.trim().split('\n'), 'Monitoring', '1 Clinic opened in May'], check: p => actions(p)[0].progress?.note, without: undefined, with: 'Clinic opened in May' },
    { key: 'note', words: ['nb'], body: ['Gap analysis', 'Too few places', 'NB: figures are provisional'], check: p => narrative(p, 'guidance'), without: [], with: ['NB: figures are provisional'] },
    { key: 'spend', words: ['allocated spend'], body: ['Allocated spend 2009/10: £5,000'], check: p => grid(p).budget?.lines.map(l => l.plannedThisYear?.text) ?? [], without: [], with: ['£5,000'] },
    { key: 'for', words: ['pour'], body: ['Objectives pour 2009/10', '1. Shorter waits', '2. Fewer deaths'], check: p => grid(p).objectives.map(o => o.number), without: [], with: ['1', '2'] },
  ]
  for (const c of cases) {
    const text = plan(...c.body)
    t.same(c.check(read(text).plan), c.without, `sections.${c.key}: without the profile`)
    t.same(c.check(read(text, { sections: { [c.key]: c.words } }).plan), c.with, `sections.${c.key}: ${JSON.stringify(c.words)}`)
  }
})

t.test('rows: update rows, cross-references and progress comments', async t => {
  const update = plan(...TABLE.trim().split('\n'), 'Remarks: opened in May\t\t')
  t.equal(actions(read(update).plan)[0].progress, undefined)
  t.equal(actions(read(update, { rows: { update: ['remarks'] } }).plan)[0].progress?.note, 'opened in May', 'rows.update')

  const reference = (row: string) => plan('Objective 1: Shorter waits', 'Action\tBy when\tBy whom', 'Open a clinic\tJune 2009\tCDT', `${row}\t\t`)
  t.equal(actions(read(reference('Refer to grid 2 for the budget')).plan).length, 2)
  t.equal(actions(read(reference('Refer to grid 2 for the budget'), { rows: { crossReference: ['refer to'] } }).plan).length, 1, 'rows.crossReference')
  t.equal(actions(read(reference('See annex B')).plan).length, 2)
  t.equal(actions(read(reference('See annex B'), { rows: { crossReferenceTo: ['annex'] } }).plan).length, 1, 'rows.crossReferenceTo')

  const comment = plan(...TABLE.trim().split('\n'), 'Progress report', 'Item 1: opened in May')
  t.equal(actions(read(comment).plan)[0].progress, undefined)
  t.equal(actions(read(comment, { rows: { actionNumber: ['item'] } }).plan)[0].progress?.note, 'opened in May', 'rows.actionNumber')
})

t.test('spend.likely: a budget heading that is last year\'s likely spend', async t => {
  const text = plan('Planned spend revised 2008/09: £4,000')
  const figures = (p: ParsedPlan) => grid(p).budget!.lines.map(l => [l.plannedLastYear?.text ?? null, l.likelyLastYear?.text ?? null])
  t.same(figures(read(text).plan), [['£4,000', null]])
  t.same(figures(read(text, { spend: { likely: ['revised'] } }).plan), [[null, '£4,000']])
})

t.test('rag: rating words in cells and in self-assessments, and the words a rating follows', async t => {
  const text = plan(
    'Self assessment',
    'Waiting times are published every month Grün',
    'The service overall stays Amber',
    'Objective 1: Shorter waits',
    'Action\tBy when\tBy whom\tRAG',
    '1. Open a clinic\tJune 2009\tCDT\tRot',
    '2. Publish waits\tJuly 2009\tDAT\tGelb',
    '3. Train staff\tMay 2009\tDAT\tGrün',
  )
  const german = { rag: { red: ['rot'], amber: ['gelb'], green: ['grün'] } }
  t.same(actions(read(text).plan).map(a => a.rag), [null, null, null])
  t.same(actions(read(text, german).plan).map(a => a.rag), ['red', 'amber', 'green'], 'rag.red, rag.amber, rag.green in cells')
  t.same(grid(read(text, german).plan).selfAssessment.map(s => s.rag), ['green', 'amber'], 'and in running text')
  t.same(grid(read(text).plan).selfAssessment.map(s => s.statement), ['The service overall stays'])
  t.same(grid(read(text, { rag: { ratedAfter: ['stays'] } }).plan).selfAssessment.map(s => s.statement), ['The service overall stays Amber'], 'rag.ratedAfter')
})

t.test('header.labelFiller and header.titleWords', async t => {
  const labelled = `Lead partnership: Croydon\nAdult drug treatment plan 2009/10\n\nPlanning grid 1: Treatment\n${TABLE}`
  t.equal(read(labelled).plan.partnership, 'Lead partnership: Croydon')
  t.equal(read(labelled, { header: { labelFiller: ['lead'] } }).plan.partnership, 'Croydon', 'header.labelFiller')

  // A running page header inside a table: a title line by its words, so the table goes on.
  const running = plan(...TABLE.trim().split('\n'), 'Riverside programme 2009/10', '2. Publish waiting times\tApril 2009\tDAT')
  const header = (w: string[]) => w.some(m => m.includes('"Riverside programme 2009/10" taken as a repeated page header'))
  t.notOk(header(read(running).warnings))
  t.ok(header(read(running, { header: { titleWords: ['programme'] } }).warnings), 'header.titleWords')
})

t.test('owners.wholeNames: an owner whose "&" is part of its name', async t => {
  const text = plan('Objective 1: Shorter waits', 'Action\tBy when\tBy whom', '1. Open a clinic\tJune 2009\tDrug & Alcohol Action Team / Probation & Police')
  t.same(actions(read(text).plan)[0]?.owners, ['Drug & Alcohol Action Team', 'Probation', 'Police'], 'the built-in names keep "Drug & Alcohol" whole')
  t.same(actions(read(text, { owners: { wholeNames: ['probation & police'] } }).plan)[0]?.owners, ['Drug & Alcohol Action Team', 'Probation & Police'], 'owners.wholeNames')
})
