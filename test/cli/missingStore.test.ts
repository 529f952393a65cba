// No store made by mistake: a command that reads, pointed at a path with no store, refuses with a
// clear message and a non-zero exit, and leaves nothing behind; only serve and import create one,
// and say so.
import t from 'tap'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../support/cli.js'
import { startServer } from '../support/reliabilityServer.js'

const FIXTURE = new URL('../fixtures/ealing-2006-07.txt', import.meta.url).pathname

const dir = mkdtempSync(join(tmpdir(), 'gridledger-missing-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
// CLI processes and servers: slow on a loaded machine, not stuck.
t.setTimeout(900_000)

const readingCommands: Array<[string, string[]]> = [
  ['verify', ['verify']],
  ['verify --plan', ['verify', '--plan', 'pln_x']],
  ['rebuild', ['rebuild']],
  ['token create', ['token', 'create', '--role', 'auditor']],
  ['import --dry-run', ['import', FIXTURE, '--dry-run']],
]

for (const [name, args] of readingCommands) {
  t.test(`${name} refuses a store that does not exist`, async t => {
    const path = join(dir, 'mistyped', `${name.replace(/\W+/g, '-')}.db`)
    const run = await runCli(args, { GRIDLEDGER_STORE: `sqlite:${path}` })
    t.not(run.code, 0, 'exits non-zero')
    t.match(run.stderr, `no gridledger store at ${path}`, 'says which store is missing')
    t.notMatch(run.stdout, /plans verified/, 'reports nothing about a store that is not there')
    t.notOk(existsSync(path), 'creates no store')
  })
}

t.test('import creates a store and says so; then the reading commands work on it', async t => {
  const path = join(dir, 'new', 'imported.db')
  const run = await runCli(['import', FIXTURE], { GRIDLEDGER_STORE: `sqlite:${path}` })
  t.equal(run.code, 0, run.stderr)
  t.match(run.stderr, `no store at ${path}: created a new, empty one`)
  t.match(run.stdout, /imported plan/)
  const verify = await runCli(['verify'], { GRIDLEDGER_STORE: `sqlite:${path}` })
  t.equal(verify.code, 0, verify.stderr)
  t.match(verify.stdout, /1 of 1 plans verified/)
  t.notMatch(verify.stderr, /created/, 'an existing store is not reported as new')
})

t.test('serve creates a store and says so in its log', async t => {
  const path = join(dir, 'served', 'server.db')
  const server = await startServer({ store: `sqlite:${path}` })
  t.teardown(() => server.kill())
  t.match(server.log(), /"msg":"no store there: created a new, empty one"/)
  t.match(server.log(), path)
  t.ok(existsSync(path))
  await server.kill('SIGTERM')
  const again = await startServer({ store: `sqlite:${path}` })
  t.teardown(() => again.kill())
  t.notMatch(again.log(), /created a new, empty one/, 'a second start opens the existing store')
})
