// The append workload shared by bench/appends.ts and bench/peerAppends.ts: events shaped like
// the ones a ReportProgress command records, and the two ways of driving 64 writers.
import { randomUUID } from 'node:crypto'
import type { NewEvent } from '../src/store/eventStore.js'

export const WRITERS = 64

/** A ProgressReported event as the command handler builds it (same fields, similar sizes). */
export function progressEvent(writer: number, n: number, recordedAt = new Date().toISOString()): NewEvent {
  return {
    id: randomUUID(),
    type: 'ProgressReported',
    schemaVersion: 1,
    data: {
      planId: `bench-plan-${writer}`,
      gridId: '6f1f2b7e-3c1a-4d57-9a55-2b7f0c1d9e01',
      objectiveId: '0b7c9d55-1e2a-4f0b-8d3c-5a6e7f809102',
      actionId: `a-${writer}`,
      effectiveDate: '2008-09-30',
      status: 'in_progress',
      percentComplete: n % 101,
      note: `Writer ${writer} report ${n}: two more staff trained in naloxone administration this month; rota agreed with CNWL.`,
      furtherAction: 'Review training numbers at the next monitoring meeting',
    },
    metadata: { actor: { tokenId: 'b3c1d2e4-0000-4000-8000-000000000001', role: 'provider', label: 'CNWL' } },
    recordedAt,
  }
}

export interface WorkloadResult {
  events: number
  seconds: number
  perSecond: number
  p50Ms: number
  p99Ms: number
  failures: number
  errors: Record<string, number>
}

/**
 * closed loop: each of the writers appends one event, waits for its acknowledgement, appends the
 * next, until the time is up. rounds: all writers append one event each at once; the round ends
 * when every one is acknowledged; then the next round.
 */
export type Mode = 'loop' | 'rounds'

export async function drive(
  mode: Mode,
  seconds: number,
  append: (writer: number, n: number) => Promise<void>,
  writers = WRITERS,
): Promise<WorkloadResult> {
  const latencies: number[] = []
  const errors: Record<string, number> = {}
  let failures = 0
  const counters = new Array<number>(writers).fill(0)
  const one = async (w: number) => {
    const t0 = performance.now()
    try {
      await append(w, counters[w])
      counters[w]++
      latencies.push(performance.now() - t0)
    } catch (error) {
      failures++
      const key = (error as { code?: string }).code ?? (error as Error).name ?? 'error'
      errors[key] = (errors[key] ?? 0) + 1
    }
  }
  const start = performance.now()
  const deadline = start + seconds * 1000
  if (mode === 'loop') {
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        while (performance.now() < deadline) await one(w)
      }),
    )
  } else {
    while (performance.now() < deadline) await Promise.all(Array.from({ length: writers }, (_, w) => one(w)))
  }
  const elapsed = (performance.now() - start) / 1000
  latencies.sort((a, b) => a - b)
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))] ?? NaN
  return { events: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, p50Ms: q(0.5), p99Ms: q(0.99), failures, errors }
}
