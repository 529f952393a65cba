// npm run bench: every benchmark in sequence, each in its own child process, then the table on
// stdout and BENCHMARKS.md (report.ts: one table, every row dated by its run, notes per benchmark,
// the results as JSON) and README's benchmark table.
//
//   npm run bench                                  everything: BENCHMARKS.md written anew
//   npm run bench -- --only=appends,rebuild        a subset, BENCHMARKS.md left alone (or --out=FILE)
//   npm run bench -- --only=esdbopen --merge       a subset whose results replace those benchmarks'
//                                                  rows and notes in BENCHMARKS.md; the rest stays
//   BENCH_PROFILE=http-ours,rebuild npm run bench  also write .cpuprofile files to bench/profiles/
//                                                  (names: appends-ours, peer, http-ours, rebuild, asof-large, or all)
//   npm run bench -- --rebuild-stores              build the bench stores again even when kept in the cache
//   npm run bench:prepare                          build the bench stores and install the peer ahead of a run
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { freemem, loadavg, platform, release, totalmem, cpus, tmpdir, type as osType } from 'node:os'
import { join } from 'node:path'
import { arg, BENCH_DIR, cpuModel, fmt, log, median, ROOT, runPart, type BenchResult } from './lib.js'
import { mergeResults, readData, renderBenchmarks, table, withReadmeTable, type KeyResult, type Machine, type RunInfo } from './report.js'

interface Bench {
  key: string
  file: string
  title: string
}

const BENCHES: Bench[] = [
  { key: 'http', file: 'httpReportProgress.ts', title: 'durable ReportProgress over HTTP' },
  { key: 'reads', file: 'httpReads.ts', title: 'current-state reads over HTTP' },
  { key: 'appends', file: 'appends.ts', title: 'durable appends vs raw inserts' },
  { key: 'peer', file: 'peerAppends.ts', title: 'appends vs emmett-sqlite' },
  { key: 'rebuild', file: 'rebuild.ts', title: 'projection rebuild' },
  { key: 'asof', file: 'asOfRead.ts', title: 'as-of reads: 1M vs 10k events in the store, 100k vs 1k in the plan' },
  { key: 'history', file: 'historyPage.ts', title: 'history page at the end of a 1M-event plan' },
  { key: 'import', file: 'importSeeds.ts', title: 'import of the seed documents' },
  { key: 'esdbopen', file: 'esdbOpen.ts', title: 'EventStoreDB adapter open, 1M vs 10k events (stand-in)' },
  { key: 'shedding', file: 'loadShedding.ts', title: 'load shedding past capacity' },
  { key: 'exportmem', file: 'exportMemory.ts', title: 'export and history CSV peak memory, 1M vs 100k events' },
]

function fsyncProbe(): number {
  const path = join(tmpdir(), `gridledger-bench-fsync-${process.pid}`)
  const fd = openSync(path, 'w')
  const block = Buffer.alloc(4096, 7)
  const times: number[] = []
  try {
    for (let i = 0; i < 100; i++) {
      writeSync(fd, block)
      const t0 = performance.now()
      fsyncSync(fd)
      times.push(performance.now() - t0)
    }
  } finally {
    closeSync(fd)
    unlinkSync(path)
  }
  return median(times)
}

function machine(): Machine {
  return {
    os: `${osType()} ${release()} (${platform()})`,
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeGiB: Math.round(freemem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map(l => l.toFixed(2)).join(' '),
    fsyncMs: fsyncProbe(),
  }
}

async function main(): Promise<void> {
  const only = arg('only')?.split(',')
  const selected = only ? BENCHES.filter(b => only.includes(b.key)) : BENCHES
  if (selected.length === 0) throw new Error(`--only names none of ${BENCHES.map(b => b.key).join(', ')}`)
  // The bench stores are kept between runs (storeCache.ts); every part this run starts builds them again.
  if (process.argv.includes('--rebuild-stores')) process.env.BENCH_REBUILD_STORES = '1'
  const started = new Date()
  const before = machine()
  log(`gridledger benchmarks, ${started.toISOString()}, ${before.cpu} × ${before.cores}, node ${before.node}, load ${before.loadAverage}`)
  const measured: Array<Omit<KeyResult, 'run'>> = []
  for (const b of selected) {
    log(`\n== ${b.title} (bench/${b.file})`)
    const t0 = performance.now()
    let result: BenchResult
    try {
      result = await runPart<BenchResult>(join(BENCH_DIR, b.file), [], { timeoutMs: 20 * 60_000 })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log(`${b.file} failed: ${message}`)
      result = { rows: [{ measure: b.title, baseline: '—', ours: 'not measured', ratio: null, goal: '—', met: null, notes: [`The benchmark failed: ${message.split('\n').slice(0, 6).join(' ')}`] }] }
    }
    const seconds = (performance.now() - t0) / 1000
    log(`== ${b.title}: ${fmt(seconds, 0)} s`)
    measured.push({ key: b.key, title: b.title, file: b.file, seconds, rows: result.rows, raw: result.raw })
  }
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
  const run: RunInfo = { command, started: started.toISOString(), finished: new Date().toISOString(), full: !only, before, after: machine(), tmpdir: tmpdir() }
  const results: KeyResult[] = measured.map(m => ({ ...m, run }))
  process.stdout.write(`\n${table(results)}\n\n`)

  const order = BENCHES.map(b => b.key)
  const main = join(ROOT, 'BENCHMARKS.md')
  const out = arg('out')
  if (out) {
    writeFileSync(out, renderBenchmarks(mergeResults(null, results, order, run.full ? run : null)))
    log(`wrote ${out}`)
  } else if (!only || process.argv.includes('--merge')) {
    // A merge keeps the other benchmarks' results the file carries; a full run replaces them all.
    const data = mergeResults(existsSync(main) ? readData(readFileSync(main, 'utf8')) : null, results, order, run.full ? run : null)
    writeFileSync(main, renderBenchmarks(data))
    const readme = join(ROOT, 'README.md')
    writeFileSync(readme, withReadmeTable(readFileSync(readme, 'utf8'), data))
    log(`wrote ${main} and README.md's benchmark table`)
  } else log('subset run: BENCHMARKS.md left as it was (use --merge to replace its rows of these benchmarks, or --out=FILE)')
}

await main()
