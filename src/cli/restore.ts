// gridledger restore FILE [--force]: a verified backup into the SQLite store (see src/app/backup.ts).
import { parseArgs } from 'node:util'
import { restoreSqliteStore, sqliteStorePath } from '../app/backup.js'
import type { Config } from '../config.js'

type Out = (line: string) => void

export const RESTORE_USAGE = `  restore <file> [--force] [--json]       restore a backup into the store (stop the server first); --force replaces
                                          an existing store, which is kept beside it as <store>.replaced-<time>`

export async function restoreCommand(args: string[], config: Config, out: Out, err: Out): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean' }, json: { type: 'boolean' } } })
  if (positionals.length !== 1) {
    err(`restore takes one file\n\n${RESTORE_USAGE}`)
    return 2
  }
  const result = await restoreSqliteStore(positionals[0], sqliteStorePath(config.GRIDLEDGER_STORE), { force: values.force })
  if (values.json) out(JSON.stringify(result, null, 2))
  else {
    out(`restored ${result.report.events} events (${result.report.plans} plans, chains verified) from the backup taken at ${result.manifest.takenAt} into ${result.store}`)
    if (result.replaced) out(`the store it replaced is kept at ${result.replaced}`)
  }
  return 0
}
