// The CLI in-process, through the application layer: token, import, verify and rebuild on one
// SQLite store, as an operator runs them one after another.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runMain } from '../support/cli.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'

const dir = mkdtempSync(join(tmpdir(), 'gl-cli-'))
const path = join(dir, 'cli.db')
const saved = process.env.GRIDLEDGER_STORE
process.env.GRIDLEDGER_STORE = `sqlite:${path}`
t.teardown(() => {
  if (saved === undefined) delete process.env.GRIDLEDGER_STORE
  else process.env.GRIDLEDGER_STORE = saved
})

const run = runMain

t.test('import, verify, rebuild', async t => {
  const imported = await run('import', 'test/fixtures/ealing-2006-07.txt', '--json')
  t.equal(imported.code, 0, imported.err)
  const { planId } = JSON.parse(imported.out) as { planId: string }
  t.ok(planId)

  const verified = await run('verify', '--json')
  t.equal(verified.code, 0)
  t.match(JSON.parse(verified.out), [{ planId, ok: true }], 'every plan in the catalogue is verified')

  // Damage the read models; rebuild puts them back from the events.
  const store = openSqliteEventStore(path)
  store.db.prepare(`DELETE FROM read_models WHERE collection = 'plans'`).run()
  await store.close()
  t.same(JSON.parse((await run('verify', '--json')).out), [], 'with no catalogue, verify finds no plans')
  const rebuilt = await run('rebuild')
  t.equal(rebuilt.code, 0)
  t.match(rebuilt.out, /read models rebuilt in \d+ ms/)
  t.match(JSON.parse((await run('verify', '--json')).out), [{ planId, ok: true }], 'the catalogue is back')
})

t.test('token create and revoke', async t => {
  const created = await run('token', 'create', '--role', 'provider', '--owner', 'CNWL', '--label', 'CNWL system')
  t.equal(created.code, 0, created.err)
  const issued = JSON.parse(created.out) as { id: string; token: string; owners: string[] }
  t.same(issued.owners, ['CNWL'])
  const revoked = await run('token', 'revoke', issued.id)
  t.equal(revoked.code, 0)
  t.equal(revoked.out, `revoked ${issued.id}`)
  const bad = await run('token', 'create', '--role', 'superuser')
  t.equal(bad.code, 2)
  t.match(bad.err, /--role must be one of/)
})

t.test('token create --partnership scopes a commissioner or auditor token', async t => {
  const created = await run('token', 'create', '--role', 'commissioner', '--partnership', 'Ealing DAAT', '--partnership', ' slough  daat ')
  t.equal(created.code, 0, created.err)
  t.same((JSON.parse(created.out) as { partnerships: string[] }).partnerships, ['Ealing DAAT', 'slough daat'])
  const bad = await run('token', 'create', '--role', 'provider', '--owner', 'CNWL', '--partnership', 'Ealing DAAT')
  t.not(bad.code, 0, 'a provider token cannot be scoped to partnerships')
  t.match(bad.err, /partnerships/)
})

t.test('usage', async t => {
  t.equal((await run('frobnicate')).code, 2)
  t.match((await run('help')).out, /gridledger <command>/)
})
