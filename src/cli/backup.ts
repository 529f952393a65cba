// gridledger backup FILE: a verified online copy of the SQLite store (see src/app/backup.ts).
import { parseArgs } from 'node:util'
import { backupSqliteStore, sqliteStorePath } from '../app/backup.js'
import type { Config } from '../config.js'

type Out = (line: string) => void

export const BACKUP_USAGE = `  backup <file> [--json]                  take a verified online copy of the SQLite store (the server may keep running)`

export async function backupCommand(args: string[], config: Config, out: Out, err: Out): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } })
  if (positionals.length !== 1) {
    err(`backup takes one file\n\n${BACKUP_USAGE}`)
    return 2
  }
  const t0 = Date.now()
  const result = await backupSqliteStore(sqliteStorePath(config.GRIDLEDGER_STORE), positionals[0])
  if (values.json) out(JSON.stringify({ ...result, ms: Date.now() - t0 }, null, 2))
  else out(`backed up ${result.events} events (${result.plans} plans, ${result.streams} streams, chains verified) to ${result.file}: ${result.bytes} bytes in ${Date.now() - t0} ms`)
  return 0
}
