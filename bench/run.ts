// npm run bench: every benchmark in sequence, each in its own child process, then the table on
// stdout and BENCHMARKS.md (date, machine, command, table, notes, raw figures).
//
//   npm run bench                                  everything, writes BENCHMARKS.md
//   npm run bench -- --only=appends,rebuild        a subset (written to BENCHMARKS.md only with --out=FILE)
//   npm run bench -- --only=esdbopen --merge       a subset whose rows and notes replace (or join) their
//                                                  own marked section of BENCHMARKS.md; the rest stays
//   BENCH_PROFILE=http-ours,rebuild npm run bench  also write .cpuprofile files to bench/profiles/
//                                                  (names: appends-ours, peer, http-ours, rebuild, asof-large, or all)
//   npm run bench -- --rebuild-stores              build the bench stores again even when kept in the cache
//   npm run bench:prepare                          build the bench stores and install the peer ahead of a run
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { freemem, loadavg, platform, release, totalmem, cpus, tmpdir, type as osType } from 'node:os'
import { join } from 'node:path'
import { arg, BENCH_DIR, cpuModel, fmt, fmtRatio, log, median, ROOT, runPart, type BenchResult, type BenchRow } from './lib.js'

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

function machine() {
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

function table(rows: BenchRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const lines = ['| measure | baseline (same run) | ours | ratio | goal | met? |', '|---|---|---|---|---|---|']
  for (const r of rows) lines.push(`| ${esc(r.measure)} | ${esc(r.baseline)} | ${esc(r.ours)} | ${fmtRatio(r.ratio)} | ${esc(r.goal)} | ${r.met === null ? '—' : r.met ? 'yes' : '**no**'} |`)
  return lines.join('\n')
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
  const rows: BenchRow[] = []
  const raw: Record<string, unknown> = {}
  const seconds: Record<string, number> = {}
  for (const b of selected) {
    log(`\n== ${b.title} (bench/${b.file})`)
    const t0 = performance.now()
    try {
      const result = await runPart<BenchResult>(join(BENCH_DIR, b.file), [], { timeoutMs: 20 * 60_000 })
      rows.push(...result.rows)
      raw[b.key] = result.raw
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log(`${b.file} failed: ${message}`)
      rows.push({ measure: b.title, baseline: '—', ours: 'not measured', ratio: null, goal: '—', met: null, notes: [`The benchmark failed: ${message.split('\n').slice(0, 6).join(' ')}`] })
    }
    seconds[b.key] = (performance.now() - t0) / 1000
    log(`== ${b.title}: ${fmt(seconds[b.key], 0)} s`)
  }
  const finished = new Date()
  const after = machine()
  const tableText = table(rows)
  process.stdout.write(`\n${tableText}\n\n`)

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
  const md = [
    '# Benchmarks',
    '',
    `Written by \`${command}\` (bench/run.ts). Every ratio compares figures measured side by side in the same run, on the same machine; absolute figures move with the machine and its load, ratios much less.`,
    '',
    `- Date: ${started.toISOString()} to ${finished.toISOString()} (${fmt((finished.getTime() - started.getTime()) / 1000)} s)`,
    `- Machine: ${before.os}; ${before.cpu}, ${before.cores} cores; ${before.memoryGiB} GiB memory; Node ${before.node}`,
    `- Load average (1, 5, 15 min) at start: ${before.loadAverage}; at end: ${after.loadAverage}. fsync of a 4 KiB write to ${tmpdir()}: median ${fmt(before.fsyncMs, 2)} ms`,
    `- Command: \`${command}\``,
    '',
    tableText,
    '',
    '## Notes',
    '',
    ...rows.flatMap(r => [`### ${r.measure}`, '', ...r.notes.map(n => `- ${n}`), '']),
    ...handWritten(),
    '## Time per benchmark',
    '',
    ...Object.entries(seconds).map(([k, s]) => `- ${k}: ${fmt(s)} s`),
    '',
    '## Raw figures',
    '',
    '<details><summary>JSON</summary>',
    '',
    '```json',
    JSON.stringify({ machine: { before, after }, raw }, null, 2),
    '```',
    '',
    '</details>',
    '',
  ].join('\n')
  if (only && process.argv.includes('--merge')) {
    mergeInto(join(ROOT, 'BENCHMARKS.md'), selected, rows, { command, started, finished, before, tableText })
    return
  }
  const out = arg('out') ?? (only ? null : join(ROOT, 'BENCHMARKS.md'))
  if (out) {
    writeFileSync(out, md)
    log(`wrote ${out}`)
  } else log('subset run: BENCHMARKS.md left as it was (use --out=FILE to write one)')
}

/**
 * bench/analysis.md, set apart from the generated part: it is written by hand from profiled runs
 * it names and dates itself (a first line `Written: YYYY-MM-DD`), so its figures are never taken
 * for this run's.
 */
function handWritten(): string[] {
  const path = join(BENCH_DIR, 'analysis.md')
  if (!existsSync(path)) return []
  const text = readFileSync(path, 'utf8').trim()
  const dated = /^Written: (\d{4}-\d{2}-\d{2}[^\n]*)\n/.exec(text)
  return [
    '<!-- hand-written: bench/analysis.md, copied unchanged; everything above and below it is generated -->',
    `## Analysis (hand-written ${dated ? `on ${dated[1]}` : 'on an undated occasion'}, not by this run)`,
    '',
    `Copied from bench/analysis.md. Its figures come from the runs it names${dated ? `, up to ${dated[1].slice(0, 10)}` : ''}, not from the table above.`,
    '',
    dated ? text.slice(dated[0].length).trim() : text,
    '<!-- /hand-written -->',
    '',
  ]
}

/**
 * A subset run's results into BENCHMARKS.md: one section per run, between markers naming its
 * benchmarks, replaced by the next such run of the same benchmarks; a full run rewrites the file.
 */
function mergeInto(
  path: string,
  selected: Bench[],
  rows: BenchRow[],
  run: { command: string; started: Date; finished: Date; before: ReturnType<typeof machine>; tableText: string },
): void {
  const id = selected.map(b => b.key).join(',')
  const begin = `<!-- subset run: ${id} -->`
  const end = `<!-- /subset run: ${id} -->`
  const section = [
    begin,
    `## Subset run: ${selected.map(b => b.title).join('; ')}`,
    '',
    `Written by \`${run.command}\` on ${run.started.toISOString()} (${fmt((run.finished.getTime() - run.started.getTime()) / 1000)} s); ${run.before.cpu}, ${run.before.cores} cores, load average ${run.before.loadAverage}. Its rows are not in the table above until the next full run.`,
    '',
    run.tableText,
    '',
    ...rows.flatMap(r => [`### ${r.measure}`, '', ...r.notes.map(n => `- ${n}`), '']),
    end,
  ].join('\n')
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n'
  const at = text.indexOf(begin)
  const stop = text.indexOf(end)
  let merged: string
  if (at >= 0 && stop > at) merged = text.slice(0, at) + section + text.slice(stop + end.length)
  else {
    // Before the machine-written tail (time per benchmark, raw figures), after the notes and analysis.
    const tail = text.indexOf('## Time per benchmark')
    merged = tail >= 0 ? `${text.slice(0, tail)}${section}\n\n${text.slice(tail)}` : `${text.trimEnd()}\n\n${section}\n`
  }
  writeFileSync(path, merged)
  log(`merged into ${path}`)
}

await main()
