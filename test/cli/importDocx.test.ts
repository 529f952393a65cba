// gridledger import FILE.docx: the Word file itself, read as the API reads it.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../support/cli.js'

const FIXTURE = new URL('../fixtures/docx/slough-2009-10.docx', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'gridledger-docx-cli-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
// CLI processes: slow on a loaded machine, not stuck.
t.setTimeout(600_000)

t.test('imports a Word file, then refuses it again (409) and says why a broken one is refused', async t => {
  const env = { GRIDLEDGER_STORE: `sqlite:${join(dir, 'cli.db')}` }
  const run = await runCli(['import', FIXTURE, '--json'], env, { timeoutMs: 300_000 })
  t.equal(run.code, 0, run.stderr)
  const result = JSON.parse(run.stdout)
  t.same(result.counts, { grids: 4, objectives: 11, actions: 52 }, 'the hand counts of the Slough plan')
  const dry = await runCli(['import', FIXTURE, '--dry-run'], env, { timeoutMs: 300_000 })
  t.equal(dry.code, 0, dry.stderr)
  t.match(dry.stdout, /would import plan \S+: 4 grids, 11 objectives, 52 actions/)
  const again = await runCli(['import', FIXTURE], env, { timeoutMs: 300_000 })
  t.equal(again.code, 1, 'the same file again is refused')
  t.match(again.stderr, /already imported/)
  const broken = join(dir, 'broken.docx')
  writeFileSync(broken, 'this is not a zip archive')
  const bad = await runCli(['import', broken], env, { timeoutMs: 300_000 })
  t.equal(bad.code, 1)
  t.match(bad.stderr, /not a Word document/)
})
