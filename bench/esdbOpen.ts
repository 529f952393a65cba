// Opening the EventStoreDB adapter on a store holding 1,000,000 events against opening it on one
// holding 10,000, on the test stand-in (not EventStoreDB: an in-process gRPC server speaking the
// client's protocol, test/support/esdbStandIn.ts). Opening must not read history: no index of
// $all is built, so its cost should not grow with the store.
//
//   node --import tsx bench/esdbOpen.ts                                   both stores, compare
//   node --import tsx bench/esdbOpen.ts --part=server --events=N          a stand-in holding N events
//   node --import tsx bench/esdbOpen.ts --part=open --url=URL             time opens against one
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { openEsdbEventStore } from '../src/store/esdbEventStore.js'
import { startEsdbStandIn } from '../test/support/esdbStandIn.js'
import { arg, emitResult, fmt, isMain, log, median, quantile, runPart, waitForLine, type BenchResult } from './lib.js'

const SMALL = 10_000
const LARGE = Number(arg('large') ?? process.env.BENCH_ESDB_OPEN_EVENTS ?? 1_000_000)
const EVENTS_PER_STREAM = 1000
const OPENS = 30

interface OpenResult {
  opens: number
  medianMs: number
  p90Ms: number
  /** Heap growth of the opening process over all opens (bytes). */
  heapGrowth: number
}

/** A stand-in holding `events` events laid out as the adapter writes them (prefixed streams, metadata with the hash chain). */
async function serve(events: number): Promise<void> {
  const standIn = await startEsdbStandIn()
  const data = Buffer.from(JSON.stringify({ actionId: randomUUID(), effectiveDate: '2008-06-30', note: 'Naloxone training delivered to 40 staff this quarter.' }))
  const metadata = Buffer.from(JSON.stringify({ actor: { tokenId: randomUUID(), role: 'provider', label: 'CNWL' }, gridledger: { v: 1, schemaVersion: 1, recordedAt: '2008-07-20T09:00:00.000Z', hash: 'a'.repeat(64), prevHash: 'b'.repeat(64) } }))
  for (let written = 0; written < events; written += EVENTS_PER_STREAM) {
    const n = Math.min(EVENTS_PER_STREAM, events - written)
    standIn.seed(`gridledger-plan-${written / EVENTS_PER_STREAM}`, Array.from({ length: n }, () => ({ id: randomUUID(), type: 'ProgressReported', data, metadata })))
    if (written % 100_000 === 0) standIn.writeSystemEvent()
  }
  process.stdout.write(`READY ${standIn.url} ${standIn.eventCount}\n`)
  // Serve until the parent closes our stdin.
  process.stdin.resume()
  await new Promise(resolve => process.stdin.on('end', resolve))
  await standIn.stop()
}

async function timeOpens(url: string): Promise<OpenResult> {
  const times: number[] = []
  // One open to load the client and warm the connection path.
  await (await openEsdbEventStore(url)).close()
  const heapBefore = process.memoryUsage().heapUsed
  for (let i = 0; i < OPENS; i++) {
    const t0 = performance.now()
    const store = await openEsdbEventStore(url)
    times.push(performance.now() - t0)
    await store.close()
  }
  return { opens: OPENS, medianMs: median(times), p90Ms: quantile(times, 0.9), heapGrowth: process.memoryUsage().heapUsed - heapBefore }
}

async function withServer<T>(events: number, use: (url: string, held: number) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', new URL(import.meta.url).pathname, '--part=server', `--events=${events}`], { stdio: ['pipe', 'pipe', 'inherit'] })
  try {
    const [, url, held] = await waitForLine(child, /READY (\S+) (\d+)\n/, 10 * 60_000)
    return await use(url, Number(held))
  } finally {
    child.stdin.end()
    await new Promise(resolve => child.once('exit', resolve))
  }
}

async function compare(): Promise<BenchResult> {
  const file = new URL(import.meta.url).pathname
  const small: OpenResult[] = []
  const large: OpenResult[] = []
  let held = { small: 0, large: 0 }
  await withServer(SMALL, async (smallUrl, smallHeld) => {
    log(`esdbOpen: stand-in with ${fmt(smallHeld)} events; filling the one with ${fmt(LARGE)}`)
    await withServer(LARGE, async (largeUrl, largeHeld) => {
      held = { small: smallHeld, large: largeHeld }
      for (let i = 0; i < 2; i++) {
        log(`esdbOpen: ${OPENS} opens on each, run ${i + 1}/2`)
        small.push(await runPart<OpenResult>(file, ['--part=open', `--url=${smallUrl}`]))
        large.push(await runPart<OpenResult>(file, ['--part=open', `--url=${largeUrl}`]))
      }
    })
  })
  const base = median(small.map(r => r.medianMs))
  const ours = median(large.map(r => r.medianMs))
  const ratio = ours / base
  return {
    rows: [
      {
        measure: `EventStoreDB adapter open on a ${fmt(held.large / 1e6, 1)}M-event store (stand-in)`,
        baseline: `the same open on a ${fmt(held.small)}-event store: ${fmt(base, 2)} ms`,
        ours: `${fmt(ours, 2)} ms (p90 ${fmt(Math.max(...large.map(r => r.p90Ms)), 2)} ms)`,
        ratio,
        goal: '≤ 1.5×',
        met: ratio <= 1.5,
        notes: [
          `openEsdbEventStore (a new client and connection, then what the adapter reads before it answers) timed ${OPENS} times per run after one warm-up open, median per run, each store's opens in their own process, alternated twice; ratio = large / small (lower is better). Small: ${small.map(r => `${fmt(r.medianMs, 2)} ms`).join(', ')}. Large: ${large.map(r => `${fmt(r.medianMs, 2)} ms`).join(', ')}.`,
          `On the test stand-in (test/support/esdbStandIn.ts, NOT EventStoreDB), each in its own process, filled with events laid out as the adapter writes them (${EVENTS_PER_STREAM} per stream) plus system events. Before issue 12 the adapter read all of $all at open to index event ids; it now reads one event.`,
          `Heap growth of the opening process over its ${OPENS} opens: small ${small.map(r => `${fmt(r.heapGrowth / 2 ** 20, 1)} MiB`).join(', ')}; large ${large.map(r => `${fmt(r.heapGrowth / 2 ** 20, 1)} MiB`).join(', ')}.`,
        ],
      },
    ],
    raw: { held, small, large },
  }
}

if (isMain(import.meta.url)) {
  const part = arg('part')
  if (part === 'server') await serve(Number(arg('events')))
  else if (part === 'open') emitResult(await timeOpens(arg('url')!))
  else emitResult(await compare())
}
