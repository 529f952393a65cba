// The same appends against the peer, @event-driven-io/emmett-sqlite, side by side with ours.
//
// The peer lives in its own package (bench/peer/package.json, pinned by its lockfile), installed
// by `npm run bench:peer` (or bench:prepare) so gridledger's own install and CI stay lean. It uses
// the sqlite3 package, built from source when no prebuilt binary can be fetched (about two
// minutes of CPU, far longer on a loaded machine): the install is kept in a cache outside the
// checkout, keyed by the peer's lockfile, and copied from there by every later run and clone on
// the machine. A timed run installs nothing: without an install its row says so.
//
// Workload: 64 writers, one event each to its own stream, in rounds: all 64 append at once and
// the round ends when every one is acknowledged. Rounds, not a closed loop, because with a shared
// connection emmett-sqlite nests concurrent appends into ONE open transaction and resolves each
// append before that transaction commits; only when no append is in flight does it COMMIT. In a
// closed loop some append is always in flight, so nothing commits until the writers stop (the
// probe below shows it): those acknowledgements are not durable. At the end of a round every
// append has been committed, so rounds count durable appends for both stores.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { OursResult } from './appends.js'
import { profileArgs, ROUNDS, SQLITE_DEFAULT_CHECKPOINT_PAGES } from './appends.js'
import { arg, BENCH_DIR, emitResult, fmt, isMain, log, median, runPart, type BenchResult } from './lib.js'

const SECONDS = Number(arg('seconds') ?? process.env.BENCH_APPEND_SECONDS ?? 5)
const PEER_DIR = join(BENCH_DIR, 'peer')

interface PeerResult {
  config: string
  mode: string
  events: number
  perSecond: number
  p50Ms: number | null
  p99Ms: number | null
  failures: number
  errors: Record<string, number>
  committedAtDeadline: number | string
  committedAtEnd: number
  synchronous: number | null
  journalMode: string | null
}

function peerVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PEER_DIR, 'node_modules/@event-driven-io/emmett-sqlite/package.json'), 'utf8')) as { version: string }
    const sqlite3 = JSON.parse(readFileSync(join(PEER_DIR, 'node_modules/sqlite3/package.json'), 'utf8')) as { version: string }
    return `@event-driven-io/emmett-sqlite ${pkg.version} (sqlite3 ${sqlite3.version})`
  } catch {
    return '@event-driven-io/emmett-sqlite'
  }
}

const NATIVE_MODULE = 'node_modules/sqlite3/build/Release/node_sqlite3.node'

function peerInstalledIn(dir: string): boolean {
  return existsSync(join(dir, 'node_modules/@event-driven-io/emmett-sqlite')) && existsSync(join(dir, NATIVE_MODULE))
}

/** Where a finished install of the peer is kept for later runs: one per lockfile, platform and architecture. */
export function peerCacheDir(): string {
  const lock = readFileSync(join(PEER_DIR, 'package-lock.json'))
  const key = createHash('sha256').update(lock).update(`${process.platform}-${process.arch}`).digest('hex').slice(0, 16)
  return join(process.env.BENCH_PEER_CACHE ?? join(homedir(), '.cache', 'gridledger', 'bench-peer'), key)
}

/**
 * bench/peer's packages as installed before, in the checkout or in the cache (copied from there):
 * null when ready, else why not. A timed run installs nothing: `npm run bench:peer` does, once.
 */
export function peerInstalled(): string | null {
  const cache = peerCacheDir()
  if (peerInstalledIn(PEER_DIR)) {
    if (!peerInstalledIn(cache)) keepInCache(cache)
    return null
  }
  if (peerInstalledIn(cache)) {
    log(`peer: copying bench/peer/node_modules from the cache (${cache})`)
    cpSync(join(cache, 'node_modules'), join(PEER_DIR, 'node_modules'), { recursive: true, verbatimSymlinks: true })
    if (peerInstalledIn(PEER_DIR)) return null
  }
  return 'not installed: run npm run bench:peer'
}

/**
 * Installs bench/peer's packages if absent: copied from the cache when an earlier run installed
 * them, else with npm ci (no time limit: building sqlite3 from source takes minutes on a busy
 * machine), then kept in the cache. Returns null when ready, else why not.
 */
export function ensurePeerInstalled(): string | null {
  if (peerInstalled() === null) return null
  const cache = peerCacheDir()
  // bench/peer/package-lock.json pins every package the peer runs on: npm ci installs exactly those.
  log('peer: installing bench/peer (npm ci --legacy-peer-deps, from its lockfile); the sqlite3 package may build from source, which takes minutes')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const res = spawnSync(npm, ['ci', '--prefix', PEER_DIR, '--legacy-peer-deps', '--no-audit', '--no-fund'], {
    cwd: PEER_DIR,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  })
  if (res.status !== 0) {
    const tail = (res.stderr ?? '').trim().split('\n').slice(-5).join(' / ')
    return `npm ci in bench/peer failed (${res.error ? res.error.message : `exit ${res.status}`}): ${tail}`
  }
  if (!existsSync(join(PEER_DIR, NATIVE_MODULE))) return 'the sqlite3 package installed without its native module (its install script did not run or failed)'
  keepInCache(cache)
  return null
}

/** Where the install the run uses came from, for the notes. */
function peerCacheNote(): string {
  const kept = join(peerCacheDir(), 'node_modules')
  return existsSync(kept) ? `the install kept in ${peerCacheDir()} since ${statSync(kept).mtime.toISOString()}` : 'not kept in the cache'
}

function keepInCache(cache: string): void {
  try {
    rmSync(cache, { recursive: true, force: true })
    cpSync(join(PEER_DIR, 'node_modules'), join(cache, 'node_modules'), { recursive: true, verbatimSymlinks: true })
    log(`peer: install kept in ${cache} for later runs`)
  } catch (error) {
    log(`peer: could not keep the install in ${cache}: ${(error as Error).message}`)
  }
}

async function compare(): Promise<BenchResult> {
  const measure = 'the same appends (64 writers, 1 event each, in rounds)'
  const notInstalled = peerInstalled()
  if (notInstalled) {
    return { rows: [{ measure, baseline: `@event-driven-io/emmett-sqlite: ${notInstalled}`, ours: '—', ratio: null, goal: '≥ 2×', met: null, notes: [`Peer not measured: ${notInstalled} (it installs bench/peer from its lockfile, once, into a cache every later run copies from).`] }] }
  }
  const peerFile = join(PEER_DIR, 'appends.mjs')
  const oursFile = join(BENCH_DIR, 'appends.ts')
  const peer: PeerResult[] = []
  const ours: OursResult[] = []
  for (let i = 0; i < ROUNDS; i++) {
    log(`peer: emmett-sqlite shared connection, rounds, run ${i + 1}/${ROUNDS} (${SECONDS} s)`)
    peer.push(await runPart<PeerResult>(peerFile, ['--config=shared', '--mode=rounds', `--seconds=${SECONDS}`], { plain: true, cwd: PEER_DIR, nodeArgs: profileArgs('peer') }))
    log(`peer: ours, rounds, run ${i + 1}/${ROUNDS} (${SECONDS} s), checkpointing as the peer does`)
    // Like for like: the peer keeps SQLite's default WAL checkpoint size; ours runs with the same.
    ours.push(await runPart<OursResult>(oursFile, ['--part=ours', '--mode=rounds', `--seconds=${SECONDS}`, `--checkpoint-pages=${SQLITE_DEFAULT_CHECKPOINT_PAGES}`]))
  }
  log('peer: emmett-sqlite default configuration (a connection per operation), one probe')
  const perOperation = await runPart<PeerResult>(peerFile, ['--config=per-operation', '--mode=rounds', '--seconds=1'], { plain: true, cwd: PEER_DIR, timeoutMs: 120_000 }).catch(
    (error: Error) => ({ error: error.message }) as unknown as PeerResult,
  )
  log('peer: emmett-sqlite shared connection, closed loop, one probe')
  const loop = await runPart<PeerResult>(peerFile, ['--config=shared', '--mode=loop', `--seconds=${Math.min(3, SECONDS)}`], { plain: true, cwd: PEER_DIR })
  const theirs = median(peer.map(p => p.perSecond))
  const our = median(ours.map(o => o.perSecond))
  const ratio = our / theirs
  const name = peerVersion()
  const peerSource = peerCacheNote()
  const perOpAttempts = (perOperation.events ?? 0) + (perOperation.failures ?? 0)
  return {
    rows: [
      {
        measure,
        baseline: `${name}, shared connection: ${fmt(theirs)} events/s`,
        ours: `${fmt(our)} events/s`,
        ratio,
        goal: '≥ 2×',
        met: ratio >= 2,
        notes: [
          `Peer: ${name}, installed in bench/peer from its lockfile (npm ci, by npm run bench:peer; ${peerSource}) with --legacy-peer-deps (it declares a peer on @event-driven-io/emmett 0.42.4, which the registry does not have; its dist bundles emmett, which needs uuid, async-retry and commander). Best working configuration: ONE shared connection, getSQLiteEventStore({ fileName, connectionOptions: { singleton: true, connection: sqliteConnection({ fileName }) } }), WAL (its default) with synchronous=${peer[0]?.synchronous === 2 ? 'FULL' : String(peer[0]?.synchronous)} (set explicitly: every commit synced, as ours, which syncs each commit by an fdatasync of its WAL).`,
          `Like for like: both checkpoint the WAL every ${SQLITE_DEFAULT_CHECKPOINT_PAGES} pages (SQLite's default, which the peer keeps; ours is set to it here instead of its own 4,000).`,
          `Statistic: the median of ${ROUNDS} interleaved ${SECONDS} s runs on each side, in rounds (64 appends at once, the round ends when all are acknowledged). Peer: ${peer.map(p => fmt(p.perSecond)).join(', ')} events/s, p99 ${fmt(median(peer.map(p => p.p99Ms ?? NaN)), 1)} ms. Ours: ${ours.map(o => fmt(o.perSecond)).join(', ')} events/s, p99 ${fmt(median(ours.map(o => o.p99Ms)), 1)} ms.`,
          'error' in perOperation
            ? `Its default configuration (a new connection per operation) did not complete a probe: ${(perOperation as unknown as { error: string }).error}`
            : `Its default configuration (a new connection per operation): of ${perOpAttempts} concurrent appends, ${perOperation.failures} failed (${Object.entries(perOperation.errors).map(([k, v]) => `${k} ×${v}`).join(', ')}): BEGIN IMMEDIATE meets SQLITE_BUSY, as it sets no busy timeout, and its ROLLBACK then fails with SQLITE_ERROR. Not usable with 64 concurrent writers.`,
          `Why rounds: with a shared connection, concurrent appends nest into one open transaction and each resolves before it commits. In a closed loop (each writer appends again as soon as it is acknowledged) it acknowledged ${fmt(loop.events)} appends in ${Math.min(3, SECONDS)} s, yet a second connection saw ${typeof loop.committedAtDeadline === 'number' ? fmt(loop.committedAtDeadline) : loop.committedAtDeadline} of them committed when the time was up (all ${fmt(loop.committedAtEnd)} once the writers stopped): those acknowledgements were not durable, so a closed-loop figure would not be a durable-append rate.`,
        ],
      },
    ],
    raw: { peer, ours, perOperation, loop },
  }
}

if (isMain(import.meta.url)) {
  if (arg('part') === 'install') {
    // `npm run bench:peer` ahead of a timed run: the install (and its cache) without the benchmark.
    const why = ensurePeerInstalled()
    if (why) {
      console.error(why)
      process.exit(1)
    }
  } else emitResult(await compare())
}
