// Documents, text and Word alike, are read on a worker thread within one time budget
// (GRIDLEDGER_IMPORT_BUDGET_MS): a slow document is stopped and refused naming where the reader
// had got to, and the server keeps answering while one is read.
import t from 'tap'
import type { Principal } from '../../src/domain/actor.js'
import { memoryBackend } from '../../src/app/backends.js'
import { assembleGridLedger, type GridLedger } from '../../src/app/gridledger.js'
import { TaskBudgetError } from '../../src/app/offThread/runTask.js'
import { buildApp } from '../../src/http/app.js'
import { MAX_DOCUMENT_BYTES } from '../../src/import/index.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { ADMIN_TOKEN } from '../support/harness.js'
import { documentXml, makeDocx } from './docx/support/docx.js'
import { fixture, SEEDS } from './support/seeds.js'

const ADMIN: Principal = { tokenId: null, role: 'admin', label: 'test', owners: [] }

/** A real plan repeated to nearly 5 MiB: valid, and far slower to read than a budget of a few ms. */
function bigPlan(): string {
  const ealing = fixture(SEEDS.ealing)
  return ealing.repeat(Math.floor((MAX_DOCUMENT_BYTES - 1024) / Buffer.byteLength(ealing)))
}

/**
 * A hostile 5 MiB document: self-assessment ratings on lines of their own between paragraphs,
 * and action rows whose by-whom cell is thousands of brackets (the owner splitter's worst case).
 */
function hostilePlan(): string {
  const parts = ['Ealing DAAT', 'Adult drug treatment plan 2006/07', '', 'Planning grid 1: Hostile', 'Self assessment']
  let size = 200
  const brackets = '('.repeat(16_000)
  for (let i = 0; size < MAX_DOCUMENT_BYTES - 40_000; i++) {
    const chunk = i % 50 === 0 ? `Objective 1: x\nAction\tBy when\tBy whom\nDo a thing\tMay 2006\t${brackets}\nSelf assessment` : 'x\n\nRed\n\ny'
    parts.push(chunk)
    size += chunk.length + 1
  }
  return parts.join('\n')
}

/** A Word document within every count and size limit whose reading takes far more than a few ms. */
async function heavyDocx(): Promise<Buffer> {
  const cell = '<w:tc><w:p><w:r><w:t>Review the needle exchange provision</w:t></w:r></w:p></w:tc>'
  const table = `<w:tbl>${`<w:tr>${cell.repeat(4)}</w:tr>`.repeat(10)}</w:tbl>`
  return makeDocx({ 'word/document.xml': documentXml(table.repeat(1_500)) })
}

async function ledgerWithBudget(importBudgetMs: number): Promise<GridLedger> {
  return assembleGridLedger(memoryBackend(createMemoryEventStore()), { adminToken: ADMIN_TOKEN, importBudgetMs })
}

t.test('a text import past its budget is stopped and names the line it reached', async t => {
  // 0.5 s: time enough, even on a busy machine, for the reader to get past the document's first lines
  // (with 50 ms it was sometimes stopped before line 1); the 5 MiB document takes far longer.
  const ledger = await ledgerWithBudget(500)
  t.teardown(() => ledger.close())
  const text = bigPlan()
  const lines = text.split('\n').length
  const error = await ledger.imports.import(text, ADMIN, { dryRun: true }).then(
    () => null,
    (e: unknown) => e,
  )
  t.ok(error instanceof TaskBudgetError, 'refused past its budget')
  if (!(error instanceof TaskBudgetError)) return
  t.equal(error.statusCode, 422)
  t.equal(error.budget, 'time')
  t.ok(error.reached.at >= 1 && error.reached.at <= lines, `the line reached (${error.reached.at}) is a line of the document`)
  t.equal(error.reached.of, lines, 'of the lines the document has')
  t.match(error.message, new RegExp(`took longer than 0\\.5 s; the reader had reached line ${error.reached.at} of ${lines}\\. Refused, nothing recorded`))
})

t.test('a Word import keeps to the same budget', async t => {
  const ledger = await ledgerWithBudget(50)
  t.teardown(() => ledger.close())
  const error = await ledger.imports.importDocx(await heavyDocx(), ADMIN, { dryRun: true }).then(
    () => null,
    (e: unknown) => e,
  )
  t.ok(error instanceof TaskBudgetError, 'refused past the import budget')
  if (!(error instanceof TaskBudgetError)) return
  t.equal(error.statusCode, error.budget === 'time' ? 422 : 413)
  t.match(error.message, error.budget === 'time' ? /the Word document took longer than 0\.05 s/ : /more than \d+ MiB/)
  t.comment(error.message)
})

t.test('over HTTP the refusal is a 422 problem naming the line', async t => {
  // 1 s: the warm-up read of a real plan must fit even on a busy machine; the 5 MiB document never does.
  const ledger = await ledgerWithBudget(1_000)
  const app = await buildApp(ledger, { rateLimit: 0 })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
  })
  const res = await app.inject({ method: 'POST', url: '/v1/imports?dryRun=true', payload: bigPlan(), headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' } })
  t.equal(res.statusCode, 422)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  const body = res.json()
  t.match(body.detail, /took longer than 1 s; the reader had reached line \d+ of \d+\. Refused, nothing recorded/)
  t.match(body.errors, [{ path: /^line \d+$/, message: 'reading stopped here' }])
  const plans = await app.inject({ method: 'GET', url: '/v1/plans', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.same(plans.json().items, [], 'nothing recorded')
})

t.test('a real listening server answers /health while a 5 MiB hostile import is read', async t => {
  const ledger = await ledgerWithBudget(3_000)
  const app = await buildApp(ledger, { rateLimit: 0 })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
  })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const text = hostilePlan()
  t.ok(Buffer.byteLength(text) <= MAX_DOCUMENT_BYTES && Buffer.byteLength(text) > MAX_DOCUMENT_BYTES - 50_000, `the document is ${Buffer.byteLength(text)} bytes`)

  let importDone = false
  const imported = fetch(`${base}/v1/imports?dryRun=true`, { method: 'POST', body: text, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' } }).then(async r => {
    importDone = true
    return { status: r.status, body: await r.text() }
  })
  const health: number[] = []
  while (!importDone) {
    const r = await fetch(`${base}/health`)
    await r.arrayBuffer()
    if (!importDone) health.push(r.status)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  const result = await imported
  t.ok([200, 422].includes(result.status), `the import is answered (${result.status}): read, or refused past its budget`)
  if (result.status === 422) t.match(result.body, /reached line \d+ of \d+/)
  t.ok(health.length >= 3, `/health answered ${health.length} times while the import was being read`)
  t.ok(health.every(s => s === 200), 'every /health answer is 200')
})
