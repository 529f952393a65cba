// Load shedding past capacity: how fast the writes a shedding server answers are, against the
// same load on the same server that queues everything (shedding off). Each round starts a fresh
// `gridledger serve` on its own SQLite file and drives it with 128 closed-loop writers that
// honour Retry-After (test/support/overload.ts, the load-shedding test's own driver) for 6 s;
// the sides alternate. Statistic: the median over the rounds of each round's p90 latency of the
// 201s, on both sides; ratio = shedding / queueing (lower is better).
//
//   node --import tsx bench/loadShedding.ts [--rounds=3] [--seconds=6]
import { join } from 'node:path'
import { driveOverload, QUEUEING_ENV, SHEDDING_ENV, type OverloadOutcome } from '../test/support/overload.js'
import { startServer } from '../test/support/reliabilityServer.js'
import { arg, emitResult, fmt, isMain, log, median, quantile, tempDir, type BenchResult } from './lib.js'

const CLIENTS = 128
const SECONDS = Number(arg('seconds') ?? 6)
const ROUNDS = Number(arg('rounds') ?? 3)

interface Round {
  p50Ms: number
  p90Ms: number
  answered: number
  answeredPerSecond: number
  shed: number
  errors: number
}

async function round(dir: string, name: string, env: NodeJS.ProcessEnv): Promise<Round> {
  const server = await startServer({ store: `sqlite:${join(dir, `${name}.db`)}`, dropLogAfterStart: true, env })
  try {
    const out: OverloadOutcome = await driveOverload(server, CLIENTS, SECONDS)
    return {
      p50Ms: quantile(out.latencies, 0.5),
      p90Ms: quantile(out.latencies, 0.9),
      answered: out.latencies.length,
      answeredPerSecond: out.latencies.length / SECONDS,
      shed: out.shed,
      errors: out.errors.length + out.badShed.length,
    }
  } finally {
    await server.kill('SIGTERM')
  }
}

async function compare(): Promise<BenchResult> {
  const dir = tempDir('shedding')
  const queued: Round[] = []
  const shedding: Round[] = []
  try {
    for (let i = 0; i < ROUNDS; i++) {
      log(`shedding: queueing server, round ${i + 1}/${ROUNDS}`)
      queued.push(await round(dir.path, `queued-${i}`, QUEUEING_ENV))
      log(`shedding: shedding server, round ${i + 1}/${ROUNDS}`)
      shedding.push(await round(dir.path, `shedding-${i}`, SHEDDING_ENV))
    }
  } finally {
    dir.remove()
  }
  const base = median(queued.map(r => r.p90Ms))
  const ours = median(shedding.map(r => r.p90Ms))
  const ratio = ours / base
  const describe = (r: Round) => `p50 ${fmt(r.p50Ms)} ms, p90 ${fmt(r.p90Ms)} ms, ${fmt(r.answeredPerSecond)} answered/s${r.shed ? `, ${fmt(r.shed)} shed` : ''}`
  return {
    rows: [
      {
        measure: `p90 latency of answered writes past capacity, ${CLIENTS} closed-loop writers`,
        baseline: `the same server queueing everything (shedding off): ${fmt(base)} ms`,
        ours: `${fmt(ours)} ms with shedding`,
        ratio,
        goal: '< 1',
        met: ratio < 1 && [...queued, ...shedding].every(r => r.errors === 0) && shedding.every(r => r.shed > 0),
        notes: [
          `Statistic: the median over ${ROUNDS} alternating ${SECONDS} s rounds of each round's p90 latency of the 201s, on both sides; ratio = shedding / queueing (lower is better). Each round a fresh \`gridledger serve\` on its own SQLite file (durable as ever), GRIDLEDGER_RATE_LIMIT=0; ${CLIENTS} writers, each adding grids to its own plan and waiting out Retry-After when shed (test/support/overload.ts, the load-shedding test's driver). Shedding: GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS=2, GRIDLEDGER_RETRY_AFTER_SECONDS=1; queueing: 0 (off).`,
          `Queueing: ${queued.map(describe).join('; ')}. Shedding: ${shedding.map(describe).join('; ')}.`,
          'The test (test/reliability/loadShedding.test.ts) asserts what is answered (503 problems with Retry-After, /ready, /health) and that no acknowledged write is lost; the latency is measured here, not asserted there, since it is a timing.',
        ],
      },
    ],
    raw: { queued, shedding },
  }
}

if (isMain(import.meta.url)) emitResult(await compare())
