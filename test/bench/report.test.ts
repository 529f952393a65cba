// BENCHMARKS.md's layout (bench/report.ts): generated whole from the results it carries, a merge
// replaces the results of the benchmarks it ran (whatever set they came in) and keeps the rest, a
// full run keeps nothing older, and README's marked table follows the newest result of each row.
import t from 'tap'
import type { BenchRow } from '../../bench/lib.js'
import { mergeResults, readData, README_BEGIN, README_END, renderBenchmarks, withReadmeTable, type KeyResult, type Machine, type RunInfo } from '../../bench/report.js'

const ORDER = ['http', 'reads', 'asof']
const machine = (load: string): Machine => ({ os: 'Linux', cpu: 'Xeon', cores: 2, memoryGiB: 24, freeGiB: 20, node: 'v20', loadAverage: `${load} 1.00 1.00`, fsyncMs: 0.8 })
const run = (started: string, full: boolean, command: string): RunInfo => ({ command, started, finished: started.replace(':00.000Z', ':30.000Z'), full, before: machine('0.50'), after: machine('0.70'), tmpdir: '/tmp' })
const row = (measure: string, ratio: number): BenchRow => ({ measure, baseline: 'base | line', ours: 'ours', ratio, goal: '≤ 1.5', met: ratio <= 1.5, notes: [`note of ${measure} at ${ratio}`] })
const result = (key: string, r: RunInfo, rows: BenchRow[]): KeyResult => ({ key, title: `${key} title`, file: `${key}.ts`, run: r, seconds: 10, rows, raw: { key } })

const fullRun = run('2026-12-02T03:00:00.000Z', true, 'npm run bench')
const full = mergeResults(null, [result('http', fullRun, [row('post', 0.1)]), result('reads', fullRun, [row('get', 0.3), row('report', 0.2)]), result('asof', fullRun, [row('asof', 1.58)])], ORDER, fullRun)

t.test('the file is generated from the results it carries, and gives them back', async t => {
  const text = renderBenchmarks(full)
  t.same(readData(text), full)
  t.equal(renderBenchmarks(readData(text)!), text, 'rendering what was read gives the same file')
  t.equal(text.match(/^\| measure \|/gm)?.length, 1, 'one table')
  t.match(text, /\| get \| base \\\| line \| ours \| 0\.30 \| ≤ 1\.5 \| yes \| full run 2026-12-02 03:00 UTC \|/)
  t.notMatch(text, /hand-written[\s\S]*Written:/, 'nothing hand-written pasted in')
  t.equal(readData('# Benchmarks\n\nan older layout\n'), null)
})

t.test('a merge replaces its benchmarks\' results, whatever set they came in; a full run replaces all', async t => {
  const first = run('2026-12-02T08:00:00.000Z', false, 'npm run bench -- --only=http,reads --merge')
  const afterFirst = mergeResults(readData(renderBenchmarks(full)), [result('http', first, [row('post', 0.11)]), result('reads', first, [row('get', 0.36), row('report', 0.24)])], ORDER, null)
  const second = run('2026-12-02T09:00:00.000Z', false, 'npm run bench -- --only=reads --merge')
  const afterSecond = mergeResults(readData(renderBenchmarks(afterFirst)), [result('reads', second, [row('get', 0.5), row('report', 0.6)])], ORDER, null)
  t.same(afterSecond.results.map(r => [r.key, r.run.started]), [['http', first.started], ['reads', second.started], ['asof', fullRun.started]], 'one result per benchmark, in order')
  t.same(afterSecond.full, fullRun, 'the last full run is still named')
  const text = renderBenchmarks(afterSecond)
  t.equal(text.match(/^\| get \|/gm)?.length, 1, 'the row once, not once per merge')
  t.notMatch(text, /note of get at 0\.36/, 'the earlier merge\'s notes are gone')
  t.match(text, /note of get at 0\.5/)
  t.match(text, /- Merged since: http \(2026-12-02 08:00 UTC, load 0\.50 at start\); reads \(2026-12-02 09:00 UTC/)
  const nextFull = run('2026-12-02T11:30:00.000Z', true, 'npm run bench')
  const renewed = mergeResults(afterSecond, [result('asof', nextFull, [row('asof', 1.1)])], ORDER, nextFull)
  t.same(renewed.results.map(r => r.key), ['asof'], 'a full run keeps no older result')
  t.match(renderBenchmarks(renewed), /- Merged since: none\./)
})

t.test("README's marked table follows the newest result of each row, with its date and load", async t => {
  const merged = mergeResults(full, [result('reads', run('2026-12-02T09:00:00.000Z', false, 'merge'), [row('get', 0.5), row('report', 0.6)])], ORDER, null)
  const readme = `# gridledger\n\n## Benchmarks\n\nProse kept.\n\n${README_BEGIN}\n| old | table |\n${README_END}\n\nMore prose.\n`
  const written = withReadmeTable(readme, merged)
  t.match(written, /Prose kept\.\n\n<!-- bench-table[^\n]*\n\| measure \| ratio \| goal \| met\? \| measured \|/)
  t.match(written, /\| get \| 0\.50 \| ≤ 1\.5 \| yes \| 2026-12-02 09:00 UTC, load 0\.50 \|/)
  t.match(written, /\| post \| 0\.10 \| ≤ 1\.5 \| yes \| 2026-12-02 03:00 UTC, load 0\.50 \|/)
  t.notMatch(written, /\| old \| table \|/)
  t.match(written, /<!-- \/bench-table -->\n\nMore prose\.\n$/)
  t.equal(withReadmeTable('# no markers\n', merged), '# no markers\n')
})
