// gridledger pack: the printable pack from the store, as HTML on stdout or a PDF through Chromium.
import t from 'tap'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { runMain } from '../support/cli.js'
import { chromiumOrSkipReason } from '../browser/support/chromium.js'

const dir = mkdtempSync(join(tmpdir(), 'gl-pack-'))
const saved = { store: process.env.GRIDLEDGER_STORE, chromium: process.env.CHROMIUM_PATH }
process.env.GRIDLEDGER_STORE = `sqlite:${join(dir, 'pack.db')}`
t.teardown(() => {
  for (const [key, value] of [['GRIDLEDGER_STORE', saved.store], ['CHROMIUM_PATH', saved.chromium]] as const) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
})
const unavailable = chromiumOrSkipReason()
if (unavailable) t.comment(unavailable)

const run = runMain

t.test('pack --plan --quarter writes the HTML pack; --pdf prints it', async t => {
  const imported = await run('import', 'test/fixtures/ealing-2006-07.txt', '--json')
  t.equal(imported.code, 0, imported.err)
  const { planId } = JSON.parse(imported.out) as { planId: string }

  const html = await run('pack', '--plan', planId, '--quarter', '4')
  t.equal(html.code, 0, html.err)
  t.match(html.out, /^<!DOCTYPE html>/)
  t.match(html.out, /Ealing DAAT · 2006\/07 · Quarter 4, 2007-01-01 to 2007-03-31/)
  t.match(html.out, /Grid 10: Drug Interventions Programme/)
  t.equal((html.out.match(/<svg /g) ?? []).length, 10, 'a summary bar per grid')

  t.equal((await run('pack', '--plan', planId, '--quarter', '5')).code, 2, 'quarter 1 to 4')
  t.equal((await run('pack', '--quarter', '1')).code, 2, 'a plan is required')
  const unknown = await run('pack', '--plan', 'nope', '--quarter', '1')
  t.equal(unknown.code, 1, 'a refused command exits 1 (2 is for usage errors)')
  t.match(unknown.err, /plan nope does not exist/)

  process.env.CHROMIUM_PATH = '/nowhere/chromium'
  const noBrowser = await run('pack', '--plan', planId, '--quarter', '4', '--pdf', join(dir, 'never.pdf'))
  t.equal(noBrowser.code, 1)
  t.match(noBrowser.err, /could not print the pack with Chromium/)
  if (saved.chromium === undefined) delete process.env.CHROMIUM_PATH
  else process.env.CHROMIUM_PATH = saved.chromium

  t.test('--pdf through Chromium', { skip: unavailable ?? false }, async t => {
    const file = join(dir, 'pack.pdf')
    const printed = await run('pack', '--plan', planId, '--quarter', '4', '--pdf', file)
    t.equal(printed.code, 0, printed.err)
    t.match(printed.out, /written to/)
    const pdf = await PDFDocument.load(readFileSync(file))
    t.ok(pdf.getPageCount() >= 11, `${pdf.getPageCount()} pages: the summary and each of the 10 grids from a new page`)
  })
})
