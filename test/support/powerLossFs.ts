// Mounting, cutting the power of, and unmounting the power-loss filesystem (powerLossFs.py, FUSE
// through Debian's python3-fusepy) for the power-loss trials. Every mount is unmounted on every
// exit path: by unmount(), by the tap teardown that owns it, and (lazily) when the process exits.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const DAEMON = fileURLToPath(new URL('./powerLossFs.py', import.meta.url))
/** Debian's python3, which python3-fusepy installs into (a pyenv python3 on PATH may lack it). */
const PYTHONS = process.env.GRIDLEDGER_POWER_LOSS_PYTHON ? [process.env.GRIDLEDGER_POWER_LOSS_PYTHON] : ['/usr/bin/python3', 'python3']

export interface CutReport {
  /** Files that had unsynced writes, with how many 512-byte sectors were unsynced. */
  files: Record<string, { unsyncedSectors: number; size: number; durableSize: number; tornSectorsKept?: number; tornSize?: number }>
  /** Names created or renamed since the directory was last synced (gone after the cut). */
  namesLost: string[]
  /** Names removed since the directory was last synced (back after the cut). */
  namesKept: string[]
}

export interface FsStats {
  writes: number
  bytesWritten: number
  fsyncs: number
  dirFsyncs: number
  sectorsSynced: number
  files: number
  dead: boolean
}

export interface PowerLossMount {
  /** The mounted directory: put the store here. */
  readonly dir: string
  stats(): Promise<FsStats>
  /** The power cut: unsynced writes and names are lost ('torn': some unsynced sectors reach the disk first). The mount refuses every call afterwards; unmount it. */
  cut(mode: 'drop' | 'torn', seed: number): Promise<CutReport>
  /** Unmounts and waits for the filesystem process to end. Idempotent. */
  unmount(): Promise<void>
}

const mounted = new Set<string>()
process.once('exit', () => {
  for (const dir of mounted) spawnSync('umount', ['-l', dir])
})

let python: string | null | undefined

function findPython(): string | null {
  if (python !== undefined) return python
  python = null
  for (const candidate of PYTHONS) {
    const r = spawnSync(candidate, ['-c', 'import fusepy'], { encoding: 'utf8' })
    if (r.status === 0) return (python = candidate)
  }
  return python
}

function isMounted(dir: string): boolean {
  const target = resolve(dir)
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some(line => line.split(' ')[4] === target)
}

/** Mounts a power-loss filesystem at `dir` whose disk is kept in `stateDir` (what survives a cut and remount). */
export async function mountPowerLossFs(stateDir: string, dir: string, options: { names?: 'strict' | 'immediate'; timeoutMs?: number } = {}): Promise<PowerLossMount> {
  const py = findPython()
  if (!py) throw new Error('no python3 with fusepy (apt-get install python3-fusepy fuse3)')
  mkdirSync(stateDir, { recursive: true })
  mkdirSync(dir, { recursive: true })
  const socket = join(stateDir, 'control.sock')
  rmSync(socket, { force: true })
  const child: ChildProcess = spawn(py, [DAEMON, stateDir, dir, socket, `--names=${options.names ?? 'strict'}`], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  const exited = new Promise<void>(r => child.once('exit', () => r()))
  let gone = false
  void exited.then(() => (gone = true))
  mounted.add(resolve(dir))
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  while (!(isMounted(dir) && existsSync(socket))) {
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL')
      spawnSync('umount', ['-l', dir])
      mounted.delete(resolve(dir))
      throw new Error(`power-loss filesystem did not mount at ${dir}: ${gone ? 'it exited' : 'timed out'}\n${output.slice(-2000)}`)
    }
    await new Promise(r => setTimeout(r, 25))
  }

  const control = (command: string) =>
    new Promise<any>((resolveReply, reject) => {
      const conn = createConnection(socket)
      let reply = ''
      conn.setEncoding('utf8')
      conn.on('data', d => (reply += d))
      conn.on('error', reject)
      conn.on('end', () => {
        try {
          const parsed = JSON.parse(reply)
          if (parsed.error) reject(new Error(`power-loss filesystem: ${parsed.error}`))
          else resolveReply(parsed)
        } catch (error) {
          reject(new Error(`power-loss filesystem answered ${JSON.stringify(reply)} (${(error as Error).message})\n${output.slice(-2000)}`))
        }
      })
      conn.write(command + '\n')
    })

  let unmounting: Promise<void> | null = null
  return {
    dir,
    stats: () => control('stats'),
    cut: (mode, seed) => control(`cut ${mode} ${seed}`),
    unmount() {
      unmounting ??= (async () => {
        // A plain unmount ends the filesystem's loop; if something still holds the mount, detach it lazily.
        if (isMounted(dir) && spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir])
        const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>(r => setTimeout(() => r(false), 5_000))])
        if (!stopped) {
          child.kill('SIGKILL')
          await exited
          if (isMounted(dir)) spawnSync('umount', ['-l', dir])
        }
        mounted.delete(resolve(dir))
      })()
      return unmounting
    },
  }
}

let availability: Promise<string | null> | undefined

/**
 * Null when power-loss filesystems can be mounted here, else why not (for a visible skip):
 * checked by mounting one, writing, syncing, cutting, remounting and reading back.
 */
export function powerLossFsUnavailable(): Promise<string | null> {
  availability ??= (async () => {
    if (process.platform !== 'linux') return `FUSE power-loss trials need Linux (this is ${process.platform})`
    try {
      accessSync('/dev/fuse', constants.R_OK | constants.W_OK)
    } catch {
      return '/dev/fuse is missing or not usable by this user'
    }
    if (!findPython()) return 'python3-fusepy is not installed (bash .ci/run installs fuse3 and python3-fusepy with apt-get when it can)'
    const root = mkdtempSync(join(tmpdir(), 'gridledger-fuse-probe-'))
    const state = join(root, 'state')
    const dir = join(root, 'mnt')
    let mount: PowerLossMount | null = null
    try {
      mount = await mountPowerLossFs(state, dir, { timeoutMs: 10_000 })
      writeFileSync(join(dir, 'probe'), 'probe')
      const report = await mount.cut('drop', 1)
      await mount.unmount()
      if (!report.namesLost.includes('probe')) return `the power-loss filesystem did not report the unsynced file it should lose (${JSON.stringify(report)})`
      mount = await mountPowerLossFs(state, dir, { timeoutMs: 10_000 })
      if (existsSync(join(dir, 'probe'))) return 'the power-loss filesystem kept an unsynced file across a power cut'
      return null
    } catch (error) {
      return `cannot mount a FUSE filesystem here: ${(error as Error).message.split('\n')[0]}`
    } finally {
      await mount?.unmount()
      rmSync(root, { recursive: true, force: true })
    }
  })()
  return availability
}
