// Crash safety: a child appends in a loop and reports each acknowledged event; we SIGKILL it at
// a random moment, reopen the database and check that every acknowledged event is stored
// exactly once, no append is torn, and every stream's hash chain verifies. Five kills in a row
// on the same file, so each run also recovers from the previous crash.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StoredEvent } from '../../src/store/eventStore.js'
import { verifyChain } from '../../src/store/hashChain.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { childEnv } from '../support/reliabilityServer.js'

const childPath = fileURLToPath(new URL('./support/crashChild.ts', import.meta.url))
const KILLS = 5

interface RunOutcome {
  acked: string[]
  signal: NodeJS.Signals | null
}

/** Runs the child until it has acknowledged at least `minAcks` events (plus a random few ms), then SIGKILLs it. */
function runAndKill(dbPath: string, minAcks: number, extraMs: number): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childPath, dbPath], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() })
    const acked: string[] = []
    let buffer = ''
    let stderr = ''
    let killing = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`child did not reach ${minAcks} acks in time (got ${acked.length}); stderr: ${stderr}`))
    }, 60_000)
    child.stderr.on('data', chunk => (stderr += chunk))
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) if (line && line !== 'ready') acked.push(line)
      if (!killing && acked.length >= minAcks) {
        killing = true
        setTimeout(() => child.kill('SIGKILL'), extraMs)
      }
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      // Only complete lines count as acknowledged.
      if (!killing) reject(new Error(`child exited on its own (code ${code}): ${stderr}`))
      else resolve({ acked, signal })
    })
  })
}

t.test('SIGKILL during appends loses no acknowledged event', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gridledger-crash-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const dbPath = join(dir, 'crash.db')
  const allAcked: string[] = []
  for (let run = 1; run <= KILLS; run++) {
    const minAcks = 20 + Math.floor(Math.random() * 400)
    const { acked, signal } = await runAndKill(dbPath, minAcks, Math.floor(Math.random() * 25))
    t.equal(signal, 'SIGKILL', `run ${run}: killed after ${acked.length} acks`)
    allAcked.push(...acked)

    const store = openSqliteEventStore(dbPath)
    try {
      const events: StoredEvent[] = []
      for (let after = 0; ;) {
        const page = await store.readAll({ after, limit: 500 })
        if (page.length === 0) break
        events.push(...page)
        after = page[page.length - 1].position
      }
      const count = new Map<string, number>()
      for (const e of events) count.set(e.id, (count.get(e.id) ?? 0) + 1)
      const missing = allAcked.filter(id => !count.has(id))
      t.same(missing, [], `run ${run}: every acknowledged event is stored (${allAcked.length} acked, ${events.length} stored)`)
      t.ok([...count.values()].every(n => n === 1), `run ${run}: no event stored twice`)
      t.ok(events.every((e, i) => i === 0 || e.position > events[i - 1].position), `run ${run}: positions increase`)
      const batches = new Map<string, { size: number; seen: number }>()
      for (const e of events) {
        const { batch, size } = e.data as { batch: string; size: number }
        const b = batches.get(batch) ?? { size, seen: 0 }
        b.seen++
        batches.set(batch, b)
      }
      t.ok([...batches.values()].every(b => b.seen === b.size), `run ${run}: no append is torn (${batches.size} appends)`)
      const streams = [...new Set(events.map(e => e.streamId))]
      const broken = []
      for (const s of streams) {
        const verdict = verifyChain(s, await store.readStream(s))
        if (!verdict.ok) broken.push(`${s}: ${verdict.detail}`)
      }
      t.same(broken, [], `run ${run}: ${streams.length} hash chains verify`)
    } finally {
      await store.close()
    }
  }
})
