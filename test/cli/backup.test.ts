// gridledger backup and restore against a real server under write load: the backup holds every
// write acknowledged before it began, restores into a fresh store that verifies, and a backup
// killed midway harms nothing and leaves nothing that passes for a backup.
import t from 'tap'
import Database from 'better-sqlite3'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backupSqliteStore, restoreSqliteStore } from '../../src/app/backup.js'
import { runCli } from '../support/cli.js'
import { call, childEnv, CLI, ROOT, seedPlanOverHttp, startServer } from '../support/reliabilityServer.js'

const dir = mkdtempSync(join(tmpdir(), 'gridledger-backup-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const live = join(dir, 'live.db')
const WRITERS = 16
// About a dozen CLI processes and two servers: slow on a loaded machine, not stuck.
t.setTimeout(900_000)

interface Ack {
  planId: string
  gridId: string
  at: number
}

t.test('backup under 16 writers, restore, verify; a killed backup harms nothing', async t => {
  const server = await startServer({ store: `sqlite:${live}`, dropLogAfterStart: true })
  t.teardown(() => server.kill())
  const plans: string[] = []
  for (let i = 0; i < WRITERS; i++) plans.push((await seedPlanOverHttp(server.url, 0, `Writer ${i} DAAT`)).planId)

  const acks: Ack[] = []
  const failures: string[] = []
  let stop = false
  const nextGrid = plans.map(() => 2)
  const writer = async (w: number) => {
    while (!stop) {
      const n = nextGrid[w]++
      const res = await call(server.url, 'POST', `/v1/plans/${plans[w]}/grids`, { number: n, title: `Grid ${n} of writer ${w}` })
      if (res.status === 201) acks.push({ planId: plans[w], gridId: res.json().id, at: performance.now() })
      else failures.push(`${res.status} ${res.text}`)
    }
  }
  const writing = Array.from({ length: WRITERS }, (_, w) => writer(w))
  while (acks.length < 200) await new Promise(r => setTimeout(r, 20))

  const backupFile = join(dir, 'backup-1.db')
  const began = performance.now()
  const backup = await runCli(['backup', backupFile], { GRIDLEDGER_STORE: `sqlite:${live}` })
  const ended = performance.now()
  const during = acks.filter(a => a.at > began && a.at < ended).length
  stop = true
  await Promise.all(writing)
  t.equal(backup.code, 0, backup.stderr)
  t.match(backup.stdout, /chains verified/)
  t.same(failures, [], 'every write was accepted, during the backup too')
  t.ok(during > 0, `the server kept acknowledging writes while the backup ran (${during})`)
  t.same(readdirSync(dir).filter(f => f.includes('partial')), [], 'no partial file is left behind')

  // Restore into a fresh store and verify it there.
  const fresh = join(dir, 'fresh', 'restored.db')
  const restore = await runCli(['restore', backupFile], { GRIDLEDGER_STORE: `sqlite:${fresh}` })
  t.equal(restore.code, 0, restore.stderr)
  const verify = await runCli(['verify'], { GRIDLEDGER_STORE: `sqlite:${fresh}` })
  t.equal(verify.code, 0, verify.stderr)
  t.match(verify.stdout, `${WRITERS} of ${WRITERS} plans verified`)

  // Every write acknowledged before the backup began is in the restored store.
  const restored = await startServer({ store: `sqlite:${fresh}` })
  t.teardown(() => restored.kill())
  const inBackup = new Set<string>()
  for (const planId of plans) {
    const state = (await call(restored.url, 'GET', `/v1/plans/${planId}`)).json() as { grids: Array<{ id: string }> }
    for (const g of state.grids) inBackup.add(g.id)
  }
  const before = acks.filter(a => a.at < began)
  t.ok(before.length >= 200)
  t.same(before.filter(a => !inBackup.has(a.gridId)), [], `all ${before.length} writes acknowledged before the backup began are in it`)
  await restored.kill('SIGTERM')

  // restore never replaces a store without --force, and refuses what is not a verified backup.
  const again = await runCli(['restore', backupFile], { GRIDLEDGER_STORE: `sqlite:${fresh}` })
  t.equal(again.code, 1)
  t.match(again.stderr, /a store exists at .*without --force/)
  const other = join(dir, 'other.db')
  await t.rejects(restoreSqliteStore(fresh, other), /not a finished gridledger backup/, 'a plain store file is not a backup')
  await t.rejects(restoreSqliteStore(live, other), /not a finished gridledger backup|open database/, 'nor is the live store')
  const garbage = join(dir, 'garbage.db')
  writeFileSync(garbage, 'not a database at all'.repeat(100))
  await t.rejects(restoreSqliteStore(garbage, other), /not a gridledger backup/, 'nor a file that is not a database')
  const tampered = join(dir, 'tampered.db')
  copyFileSync(backupFile, tampered)
  const db = new Database(tampered)
  const changed = db.prepare(`UPDATE events SET data = replace(data, 'Grid 7 of writer 3', 'Grid 7 of writer 4') WHERE data LIKE '%Grid 7 of writer 3%'`).run().changes
  db.close()
  t.equal(changed, 1, 'one event edited in a copy of the backup')
  await t.rejects(restoreSqliteStore(tampered, other), /hash chains do not verify; nothing was restored/, 'a backup whose chains do not verify is refused')
  t.notOk(existsSync(other), 'nothing restored')
  await t.rejects(backupSqliteStore(live, backupFile), /exists: a backup never overwrites a file/)

  // kill -9 a backup midway, under the same writers.
  stop = false
  const writingAgain = Array.from({ length: WRITERS }, (_, w) => writer(w))
  const killedFile = join(dir, 'backup-killed.db')
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'backup', killedFile], { cwd: ROOT, env: childEnv({ GRIDLEDGER_STORE: `sqlite:${live}` }), stdio: 'ignore' })
  const exited = new Promise(resolve => child.once('exit', resolve))
  let partial: string | undefined
  while (!partial && child.exitCode === null) {
    partial = readdirSync(dir).find(f => f.startsWith('.backup-killed.db.partial-'))
    if (!partial) await new Promise(r => setTimeout(r, 2))
  }
  t.ok(partial, 'the backup was caught midway, writing its partial file')
  child.kill('SIGKILL')
  await exited
  stop = true
  await Promise.all(writingAgain)
  t.same(failures, [], 'the server went on accepting writes')
  t.notOk(existsSync(killedFile), 'no file under the backup name')
  const leftover = readdirSync(dir).filter(f => f.startsWith('.backup-killed.db.partial-') && !/-(wal|shm|journal)$/.test(f))
  for (const f of leftover) {
    const refused = await runCli(['restore', join(dir, f)], { GRIDLEDGER_STORE: `sqlite:${join(dir, 'from-partial.db')}` })
    t.equal(refused.code, 1, 'restore refuses the partial file')
    t.match(refused.stderr, /not a (finished )?gridledger (backup|store)|open database|damaged|malformed|not a database/)
    t.notOk(existsSync(join(dir, 'from-partial.db')))
  }
  const liveVerify = await runCli(['verify'], { GRIDLEDGER_STORE: `sqlite:${live}` })
  t.equal(liveVerify.code, 0, liveVerify.stderr)
  t.match(liveVerify.stdout, `${WRITERS} of ${WRITERS} plans verified`, 'the live store verifies')
  const res = await call(server.url, 'POST', `/v1/plans/${plans[0]}/grids`, { number: nextGrid[0]++, title: 'after the kill' })
  t.equal(res.status, 201, 'and still takes writes')
  const second = await runCli(['backup', killedFile], { GRIDLEDGER_STORE: `sqlite:${live}` })
  t.equal(second.code, 0, `a later backup to the same name succeeds: ${second.stderr}`)
})
