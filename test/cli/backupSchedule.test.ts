// Scheduled backups: timestamped files, one at a time, the newest N kept; from a real server they
// are taken by a `gridledger backup` child process and are finished, verified backups.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backupSqliteStore, readBackupManifest } from '../../src/app/backup.js'
import { listScheduledBackups, parseEvery, scheduledBackupName, startBackupSchedule } from '../../src/app/backupSchedule.js'
import { loadConfig } from '../../src/config.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { sqliteBackend } from '../../src/app/backends.js'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { seedPlanOverHttp, startServer } from '../support/reliabilityServer.js'
import { runCli } from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'gridledger-schedule-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
// CLI processes and servers: slow on a loaded machine, not stuck.
t.setTimeout(900_000)

t.test('intervals and names', async t => {
  t.equal(parseEvery('90s'), 90_000)
  t.equal(parseEvery('15m'), 900_000)
  t.equal(parseEvery('6h'), 21_600_000)
  t.equal(parseEvery('1d'), 86_400_000)
  for (const bad of ['0h', '6', 'h', '1w', '-1h', '1.5h']) t.throws(() => parseEvery(bad), /not a backup interval/, bad)
  t.throws(() => loadConfig({ GRIDLEDGER_BACKUP_EVERY: '1w' }), /GRIDLEDGER_BACKUP_EVERY/)
  t.throws(() => loadConfig({ GRIDLEDGER_BACKUP_KEEP: '0' }), /GRIDLEDGER_BACKUP_KEEP/)
  t.match(loadConfig({}), { GRIDLEDGER_BACKUP_EVERY: '24h', GRIDLEDGER_BACKUP_KEEP: 7 })
  const a = scheduledBackupName(new Date('2026-01-31T23:59:59.999Z'))
  const b = scheduledBackupName(new Date('2026-02-01T00:00:00.000Z'))
  t.equal(a, 'gridledger-20260131T235959999Z.db')
  t.ok(a < b, 'names sort by time')
})

t.test('a schedule takes real backups one at a time and keeps the newest N', async t => {
  const source = join(dir, 'source.db')
  const ledger = await assembleGridLedger(sqliteBackend(openSqliteEventStore(source)))
  await ledger.tokens.create({ role: 'auditor', label: 'one event to back up' }, null)
  await ledger.close()
  const out = join(dir, 'scheduled')
  const { mkdirSync } = await import('node:fs')
  mkdirSync(out)
  let clock = Date.parse('2026-03-01T02:00:00.000Z')
  const logs: string[] = []
  let concurrent = 0
  let maxConcurrent = 0
  let runs = 0
  let failNext = false
  const schedule = startBackupSchedule({
    dir: out,
    everyMs: 10,
    keep: 2,
    now: () => new Date((clock += 60_000)),
    logger: { info: (_o, m) => logs.push(m), error: (_o, m) => logs.push(m) },
    async takeBackup(file) {
      concurrent++
      maxConcurrent = Math.max(maxConcurrent, concurrent)
      try {
        runs++
        if (failNext) {
          failNext = false
          throw new Error('disk full')
        }
        await backupSqliteStore(source, file)
      } finally {
        concurrent--
      }
    },
  })
  while (runs < 3) await new Promise(r => setTimeout(r, 10))
  failNext = true
  while (runs < 6) await new Promise(r => setTimeout(r, 10))
  await schedule.close()
  const kept = listScheduledBackups(out)
  t.equal(kept.length, 2, 'two kept')
  t.ok(kept.every(f => readBackupManifest(join(out, f)) !== null), 'each a finished backup')
  t.equal(maxConcurrent, 1, 'one backup at a time')
  t.ok(logs.includes('scheduled backup failed; the next is tried at the usual time'), 'a failure is logged')
  t.ok(logs.filter(m => m === 'scheduled backup taken').length >= 4, 'and the schedule goes on')
  const after = runs
  await new Promise(r => setTimeout(r, 50))
  t.equal(runs, after, 'nothing runs after close')
})

t.test('a real server takes scheduled backups through the CLI', async t => {
  const out = join(dir, 'server-backups')
  const store = join(dir, 'served.db')
  const server = await startServer({ store: `sqlite:${store}`, env: { GRIDLEDGER_BACKUP_DIR: out, GRIDLEDGER_BACKUP_EVERY: '1s', GRIDLEDGER_BACKUP_KEEP: '2' } })
  t.teardown(() => server.kill())
  await seedPlanOverHttp(server.url, 2)
  t.match(server.log(), /"msg":"scheduled backups on"/)
  const deadline = Date.now() + 240_000
  while ((server.log().match(/scheduled backup taken/g) ?? []).length < 1 && Date.now() < deadline) await new Promise(r => setTimeout(r, 100))
  t.match(server.log(), /scheduled backup taken/)
  t.notMatch(server.log(), /scheduled backup failed/)
  await server.kill('SIGTERM')
  const kept = listScheduledBackups(out)
  t.ok(kept.length >= 1 && kept.length <= 2, `kept ${kept.length}`)
  const restore = await runCli(['restore', join(out, kept[kept.length - 1])], { GRIDLEDGER_STORE: `sqlite:${join(dir, 'from-schedule.db')}` })
  t.equal(restore.code, 0, restore.stderr)
  t.match(restore.stdout, /chains verified/)

  const wrong = await startServer({ store: 'memory:', env: { GRIDLEDGER_BACKUP_DIR: out } }).catch((e: Error) => e)
  t.match(String(wrong), /backup and restore work on the SQLite store/, 'a schedule that cannot run stops the server at start')
})
