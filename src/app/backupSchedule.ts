// Scheduled backups (GRIDLEDGER_BACKUP_DIR, GRIDLEDGER_BACKUP_EVERY, GRIDLEDGER_BACKUP_KEEP): one
// backup at a time into a timestamped file, then all but the newest `keep` are deleted. What
// takes the backup is given (the server runs `gridledger backup` as a child process, so the copy
// and its verification never hold up the server's event loop).
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

export interface BackupScheduleLogger {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface BackupScheduleOptions {
  dir: string
  everyMs: number
  keep: number
  /** Takes a verified backup into `file` (which does not exist yet); rejects on failure. */
  takeBackup(file: string): Promise<void>
  logger: BackupScheduleLogger
  now?: () => Date
}

export interface BackupSchedule {
  /** Stops the schedule; resolves once a backup in progress has finished. */
  close(): Promise<void>
}

const NAME = /^gridledger-\d{8}T\d{6}(\d{3})?Z\.db$/

/** gridledger-20240131T020000123Z.db: sorts by time as text. */
export function scheduledBackupName(at: Date): string {
  return `gridledger-${at.toISOString().replace(/[-:]/g, '').replace('.', '')}.db`
}

/** The scheduled backups in `dir`, oldest first (partial files never match). */
export function listScheduledBackups(dir: string): string[] {
  return readdirSync(dir).filter(f => NAME.test(f)).sort()
}

/** "90s", "15m", "6h", "1d" in milliseconds. */
export function parseEvery(value: string): number {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(value.trim())
  if (!m || Number(m[1]) === 0) throw new Error(`"${value}" is not a backup interval: use a number and a unit, e.g. 90s, 15m, 6h, 1d`)
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
}

export function startBackupSchedule(options: BackupScheduleOptions): BackupSchedule {
  const now = options.now ?? (() => new Date())
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let closed = false

  const runOnce = async () => {
    const file = join(options.dir, scheduledBackupName(now()))
    const t0 = Date.now()
    try {
      await options.takeBackup(file)
      options.logger.info({ file, ms: Date.now() - t0 }, 'scheduled backup taken')
      const all = listScheduledBackups(options.dir)
      for (const old of all.slice(0, Math.max(0, all.length - options.keep))) rmSync(join(options.dir, old), { force: true })
    } catch (err) {
      options.logger.error({ err, file }, 'scheduled backup failed; the next is tried at the usual time')
    }
  }
  const schedule = () => {
    if (closed) return
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = null
        schedule()
      })
    }, options.everyMs)
    timer.unref()
  }
  schedule()
  return {
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
