import t from 'tap'
import { readFileSync } from 'node:fs'
import { ADMIN_TOKEN, startHarness } from '../support/harness.js'
import { comparable } from '../import/support/comparable.js'
import { declareSize, docxFixture, documentXml, makeDocx, para } from '../import/docx/support/docx.js'

// POST /v1/imports with the Word document itself.
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
const SEEDS = ['ealing-2006-07', 'slough-2009-10', 'staffordshire-2003-04', 'doncaster-2017-18']
const text = (name: string) => readFileSync(new URL(`../fixtures/${name}.txt`, import.meta.url), 'utf8')

t.test('each seed as a Word document: the same counts as its text, a dry run with sources, then recorded', async t => {
  const h = await startHarness({ store: 'sqlite' })
  t.teardown(() => h.close())
  for (const name of SEEDS) {
    const bytes = docxFixture(`${name}.docx`)
    const post = (query = '') => h.request({ method: 'POST', url: `/v1/imports${query}`, payload: bytes, headers: { 'content-type': DOCX } })
    const fromText = await h.request({ method: 'POST', url: '/v1/imports?dryRun=true', payload: text(name), headers: { 'content-type': 'text/plain' } })
    const before = await h.store.headPosition()
    const dry = await post('?dryRun=true')
    t.equal(dry.statusCode, 200, `${name}: dry run`)
    t.equal(await h.store.headPosition(), before, 'a dry run records nothing')
    const preview = dry.json()
    t.same(preview.counts, fromText.json().counts, `${name}: the counts of the text import (${JSON.stringify(preview.counts)})`)
    t.same(comparable(preview.plan, ['source']), comparable(fromText.json().plan, ['source']), `${name}: the same plan as the text import`)
    t.ok(preview.warnings.length <= fromText.json().warnings.length, 'no more warnings than the text (whose wrapped rows are whole rows in Word)')
    t.ok(preview.warnings.every((w: string) => /^(?:table \d+, row \d+|paragraph \d+|near paragraph \d+)/.test(w)), 'warnings name the table and row (or paragraph)')
    const action = preview.plan.grids[0].objectives.flatMap((o: { actions: unknown[] }) => o.actions)[0]
    t.match(action.source, { text: { table: Number, row: Number, cell: Number } }, `${name}: an action's words have their table, row and cell`)
    t.match(preview.plan.source, { partnership: Object, year: Object })
    const real = await post()
    t.equal(real.statusCode, 201, `${name}: import`)
    t.equal(real.headers.location, `/v1/plans/${real.json().planId}`)
    const state = (await h.request({ method: 'GET', url: `/v1/plans/${real.json().planId}` })).json()
    t.same(comparable(state, ['source']), comparable(preview.plan, ['source']), `${name}: the dry run shows what the import recorded`)
    const again = await post()
    t.equal(again.statusCode, 409, `${name}: the same Word file again is 409`)
  }
})

t.test('the dry run of the feature document names the merged cell each owner was read from', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const res = await h.request({ method: 'POST', url: '/v1/imports?dryRun=true', payload: docxFixture('word-features.docx'), headers: { 'content-type': DOCX } })
  t.equal(res.statusCode, 200)
  const actions = res.json().plan.grids[0].objectives[0].actions
  t.same(actions[2].owners, ['Harm Reduction Lead'])
  t.same(actions[2].source.owners, { table: 1, row: 2, cell: 3 })
  t.same(actions[2].source.due, { table: 1, row: 4, cell: 2 })
  t.same(actions[2].due, { text: 'Qtr 3', from: '2008-10-01', to: '2008-12-31' })
})

t.test('hostile and broken Word documents: a clear 4xx problem, nothing recorded', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const before = await h.store.headPosition()
  const post = (payload: Buffer, contentType = DOCX) => h.request({ method: 'POST', url: '/v1/imports', payload, headers: { 'content-type': contentType } })
  const bomb = declareSize(await makeDocx({ 'word/document.xml': documentXml(para('x'.repeat(40 * 1024 * 1024))) }), 'word/document.xml', 4000)
  const cases: Array<[string, Buffer, number, RegExp]> = [
    ['zip bomb', bomb, 413, /zip bomb/],
    ['10,000 tables', await makeDocx({ 'word/document.xml': documentXml('<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>'.repeat(10_000)) }), 413, /10000 tables/],
    ['entity expansion', await makeDocx({ 'word/document.xml': documentXml(para('&a;'), '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>') }), 400, /DTD/],
    ['missing part', await makeDocx({ 'word/styles.xml': '<w:styles/>' }), 400, /no main document part/],
    ['not a zip', Buffer.from('%PDF-1.4 not a Word document'), 400, /not a Word document/],
  ]
  for (const [what, payload, status, detail] of cases) {
    const res = await post(payload)
    t.equal(res.statusCode, status, `${what}: ${status}`)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.match(res.json(), { status, detail }, `${what}: ${res.json().detail}`)
  }
  const huge = await post(Buffer.alloc(21 * 1024 * 1024, 0x50))
  t.equal(huge.statusCode, 413, 'a Word file over 20 MiB is refused while it is received')
  const asText = await post(docxFixture('slough-2009-10.docx'), 'text/plain')
  t.equal(asText.statusCode, 400, 'a Word file sent as text/plain is binary text')
  const wrongType = await post(docxFixture('slough-2009-10.docx'), 'application/zip')
  t.equal(wrongType.statusCode, 415, 'another media type is 415')
  t.match(wrongType.json().detail, /wordprocessingml/)
  t.equal(await h.store.headPosition(), before, 'nothing was recorded')
})

t.test('a listening server answers /health while it reads a hostile Word document', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const address = h.app.server.address()
  const base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : ''
  // Within every count and size limit, but a tree far too big to build: the worker's memory or
  // time budget stops it.
  const cell = '<w:tc><w:p><w:r><w:t>Review the needle exchange provision</w:t></w:r></w:p></w:tc>'
  const table = `<w:tbl>${`<w:tr>${cell.repeat(4)}</w:tr>`.repeat(10)}</w:tbl>`
  const heavy = await makeDocx({ 'word/document.xml': documentXml(table.repeat(1_900)) })
  let settled = false
  const importing = fetch(`${base}/v1/imports`, { method: 'POST', body: new Uint8Array(heavy), headers: { 'content-type': DOCX, authorization: `Bearer ${ADMIN_TOKEN}` } }).finally(() => {
    settled = true
  })
  let healthyWhileReading = 0
  while (!settled) {
    const health = await fetch(`${base}/health`)
    t.equal(health.status, 200)
    if (!settled) healthyWhileReading++
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  const res = await importing
  t.ok([400, 413, 422].includes(res.status), `the document is refused (${res.status})`)
  const problem = (await res.json()) as { detail: string }
  t.match(problem.detail, /memory|longer than|not a plan/)
  t.comment(problem.detail)
  t.ok(healthyWhileReading >= 3, `/health answered ${healthyWhileReading} times while the document was being read`)
})
