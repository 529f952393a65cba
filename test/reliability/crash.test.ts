// Crash: a real server (`gridledger serve` on a SQLite file) under 16 concurrent writers is
// killed with SIGKILL at a random moment, then restarted on the same file. After every restart:
//   - every write that got a 2xx is in the history exactly once;
//   - a write that got no answer is there at most once, and whole: an import (one atomic append
//     of a whole plan) is either complete or absent, never half there;
//   - retrying the unanswered progress reports with their Idempotency-Key records each exactly
//     once (replayed if it had been stored before the kill);
//   - every plan's hash chain verifies (GET /v1/plans/{id}/integrity) and its history reads.
// 10 trials in npm test; 100 with GRIDLEDGER_RELIABILITY=long (npm run reliability).
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { history, importDocument, progressNotes, random, type ProgressWrite } from '../support/powerLossWorkload.js'
import { call, seedPlanOverHttp, SERVER_ADMIN_TOKEN, startServer, type ServerChild, type SeededPlan } from '../support/reliabilityServer.js'

const LONG = process.env.GRIDLEDGER_RELIABILITY === 'long'
const TRIALS = LONG ? 100 : 10
const WRITERS = 16
/** One of the writers imports whole plans (multi-event atomic appends); the rest report progress. */
const IMPORT_WRITERS = 1
// Ten kills and restarts outlast the default 300 s file timeout on a loaded machine.
t.setTimeout(LONG ? 3 * 60 * 60_000 : 20 * 60_000)

const IMPORT_DOC = importDocument('Crash DAAT')

interface TrialLog {
  acknowledged: ProgressWrite[]
  unanswered: ProgressWrite[]
  importsAcknowledged: string[]
  importsUnanswered: number
  statuses: Map<number, number>
  unexpected: string[]
}

/** Runs the writers against `server` until it dies (it is killed after `killAfterMs`). */
async function writeUntilKilled(server: ServerChild, plans: SeededPlan[], trial: number, killAfterMs: number, rand: () => number): Promise<TrialLog> {
  const log: TrialLog = { acknowledged: [], unanswered: [], importsAcknowledged: [], importsUnanswered: 0, statuses: new Map(), unexpected: [] }
  const actions = plans.flatMap(p => p.actionIds.map(actionId => ({ planId: p.planId, actionId })))
  let dead = false
  const killer = setTimeout(() => {
    dead = true
    server.child.kill('SIGKILL')
  }, killAfterMs)
  const progressWriter = async (w: number) => {
    for (let i = 0; !dead; i++) {
      const target = actions[(w + i) % actions.length]
      const write: ProgressWrite = { key: `crash-t${trial}-w${w}-${i}`, ...target, body: { effectiveDate: '2008-06-30', note: `t${trial} w${w} n${i}` } }
      try {
        const res = await call(server.url, 'POST', `/v1/plans/${write.planId}/actions/${write.actionId}/progress`, write.body, { headers: { 'idempotency-key': write.key }, timeoutMs: 15_000 })
        log.statuses.set(res.status, (log.statuses.get(res.status) ?? 0) + 1)
        if (res.status === 201) log.acknowledged.push(write)
        else {
          log.unanswered.push(write)
          if (res.status !== 503) log.unexpected.push(`POST progress ${write.key}: ${res.status} ${res.text.slice(0, 300)}`)
        }
      } catch {
        // No answer: the server died with this request in flight (or refused the connection).
        log.unanswered.push(write)
        return
      }
      // A little jitter so the writers do not move in lockstep.
      if (rand() < 0.2) await new Promise(r => setTimeout(r, Math.floor(rand() * 5)))
    }
  }
  const importWriter = async () => {
    while (!dead) {
      try {
        const res = await fetch(`${server.url}/v1/imports?force=true`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SERVER_ADMIN_TOKEN}`, 'content-type': 'text/plain' },
          body: IMPORT_DOC,
          signal: AbortSignal.timeout(15_000),
        })
        const text = await res.text()
        log.statuses.set(res.status, (log.statuses.get(res.status) ?? 0) + 1)
        if (res.status === 201) log.importsAcknowledged.push((JSON.parse(text) as { planId: string }).planId)
        else {
          log.importsUnanswered++
          if (res.status !== 503) log.unexpected.push(`POST /v1/imports: ${res.status} ${text.slice(0, 300)}`)
        }
      } catch {
        log.importsUnanswered++
        return
      }
    }
  }
  await Promise.all([
    ...Array.from({ length: WRITERS - IMPORT_WRITERS }, (_, w) => progressWriter(w)),
    ...Array.from({ length: IMPORT_WRITERS }, () => importWriter()),
  ])
  clearTimeout(killer)
  await server.exited
  return log
}

t.test(`SIGKILL under ${WRITERS} concurrent writers, ${TRIALS} trials: acknowledged writes survive exactly once`, async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gridledger-crash-http-'))
  const store = `sqlite:${join(dir, 'crash.db')}`
  let server = await startServer({ store })
  t.teardown(async () => {
    await server.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  const plans = [await seedPlanOverHttp(server.url, 4, 'Ealing DAAT'), await seedPlanOverHttp(server.url, 4, 'Slough DAAT')]
  // How many events one import of IMPORT_DOC records: every imported plan must have exactly these.
  const first = await fetch(`${server.url}/v1/imports?force=true`, { method: 'POST', headers: { authorization: `Bearer ${SERVER_ADMIN_TOKEN}`, 'content-type': 'text/plain' }, body: IMPORT_DOC })
  t.equal(first.status, 201, 'the import document imports')
  const firstPlan = ((await first.json()) as { planId: string }).planId
  const importEvents = (await history(server.url, firstPlan)).length
  t.ok(importEvents > 3, `one import records ${importEvents} events`)

  const seed = Number(process.env.GRIDLEDGER_CRASH_SEED ?? Date.now() % 1_000_000)
  t.comment(`seed ${seed} (GRIDLEDGER_CRASH_SEED=${seed} replays the kill moments)`)
  const rand = random(seed)
  const allAcknowledged: ProgressWrite[] = []
  const importedPlans = new Set<string>([firstPlan])
  const checkedImports = new Set<string>()
  let totals = { acknowledged: 0, unanswered: 0, replayed: 0, recordedOnRetry: 0, imports: 0, importsLost: 0 }

  for (let trial = 1; trial <= TRIALS; trial++) {
    const killAfterMs = 30 + Math.floor(rand() * 1200)
    const log = await writeUntilKilled(server, plans, trial, killAfterMs, rand)
    server = await startServer({ store })
    const url = server.url
    const where = `trial ${trial} (killed after ${killAfterMs} ms, ${log.acknowledged.length} acknowledged, ${log.unanswered.length} unanswered)`

    t.same(log.unexpected, [], `${where}: no unexpected answer before the kill`)
    const counts = await progressNotes(url, plans)
    const lost = log.acknowledged.filter(w => counts.get(w.body.note) !== 1)
    t.same(
      lost.map(w => `${w.key}: stored ${counts.get(w.body.note) ?? 0} times`),
      [],
      `${where}: every acknowledged report is stored exactly once`,
    )
    const doubled = log.unanswered.filter(w => (counts.get(w.body.note) ?? 0) > 1)
    t.same(doubled.map(w => w.key), [], `${where}: no unanswered report is stored twice`)

    // Retry the unanswered ones with their keys: each ends up stored exactly once.
    let replayed = 0
    let recorded = 0
    for (const w of log.unanswered) {
      const before = counts.get(w.body.note) ?? 0
      const res = await call(url, 'POST', `/v1/plans/${w.planId}/actions/${w.actionId}/progress`, w.body, { headers: { 'idempotency-key': w.key } })
      t.equal(res.status, 201, `${where}: retry of ${w.key} answers 201 (${res.text.slice(0, 200)})`)
      const wasReplayed = res.headers.get('idempotent-replayed') === 'true'
      t.equal(wasReplayed, before === 1, `${where}: retry of ${w.key} is ${before === 1 ? 'a replay (it had been stored)' : 'recorded now (it had not been stored)'}`)
      if (wasReplayed) replayed++
      else recorded++
    }
    const after = await progressNotes(url, plans)
    allAcknowledged.push(...log.acknowledged, ...log.unanswered)
    const wrong = allAcknowledged.filter(w => after.get(w.body.note) !== 1)
    t.same(wrong.map(w => `${w.key}: stored ${after.get(w.body.note) ?? 0} times`), [], `${where}: after retries every report so far is stored exactly once`)

    // Imports: acknowledged ones complete; any plan an unanswered import left is complete too.
    const list = await call(url, 'GET', '/v1/plans')
    const crashPlans = (list.json().items as Array<{ id: string; partnership: string; version: number }>).filter(p => p.partnership === 'Crash DAAT')
    for (const id of log.importsAcknowledged) importedPlans.add(id)
    const listed = new Set(crashPlans.map(p => p.id))
    t.same([...importedPlans].filter(id => !listed.has(id)), [], `${where}: every acknowledged import is there`)
    const partial = crashPlans.filter(p => p.version !== importEvents)
    t.same(partial.map(p => `${p.id}: ${p.version} events`), [], `${where}: every imported plan is whole (${importEvents} events)`)
    const unanswered = crashPlans.filter(p => !importedPlans.has(p.id))
    t.ok(unanswered.length <= log.importsUnanswered, `${where}: no import appeared that was not sent`)
    for (const p of unanswered) importedPlans.add(p.id)

    // Hash chains: the written plans, and the plans imported in this trial (earlier ones were checked before).
    const checked = new Set(checkedImports)
    const fresh = crashPlans.map(p => p.id).filter(id => !checked.has(id))
    for (const id of fresh) checkedImports.add(id)
    for (const p of [...plans.map(p => p.planId), ...fresh]) {
      const integrity = await call(url, 'GET', `/v1/plans/${p}/integrity`)
      if (integrity.status !== 200 || integrity.json().ok !== true) t.fail(`${where}: plan ${p} integrity: ${integrity.status} ${integrity.text.slice(0, 300)}`)
    }
    t.pass(`${where}: every plan's hash chain verifies`)
    totals = {
      acknowledged: totals.acknowledged + log.acknowledged.length,
      unanswered: totals.unanswered + log.unanswered.length,
      replayed: totals.replayed + replayed,
      recordedOnRetry: totals.recordedOnRetry + recorded,
      imports: totals.imports + log.importsAcknowledged.length,
      importsLost: totals.importsLost + log.importsUnanswered,
    }
  }
  t.comment(
    `${TRIALS} kills: ${totals.acknowledged} progress reports acknowledged, ${totals.unanswered} unanswered (${totals.replayed} had been stored and were replayed on retry, ${totals.recordedOnRetry} had not and were recorded on retry); ${totals.imports} imports acknowledged, ${totals.importsLost} unanswered`,
  )
  t.ok(totals.acknowledged > 0, 'the writers got acknowledgements between kills')
})
