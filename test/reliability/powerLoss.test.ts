// Power loss: the crash trials of crash.test.ts on a filesystem that forgets, at a simulated power
// cut, every write no fsync/fdatasync covered and every directory entry no directory fsync
// covered (test/support/powerLossFs.py; a SIGKILL alone keeps the page cache, so it cannot catch
// a missing sync). A real server (`gridledger serve` on a SQLite file on that filesystem) under
// 16 writers (progress reports with Idempotency-Keys, whole-plan imports, token minting) is
// killed at a random moment; then the power is cut (half the trials keep a random subset of the
// unsynced 512-byte sectors, torn), the filesystem is unmounted and mounted again from what
// reached its disk (some trials restart the server and read before the cut; a third run on a
// store that checkpoints its WAL every 32 pages); then:
//   - `gridledger verify` passes on the reopened store (every plan's hash chain);
//   - the read models as the projections left them and caught up equal a rebuild from the events;
//   - every acknowledged token is still known, and this trial's authenticate;
//   - no plan is behind a version a reader was shown before the cut;
//   - over HTTP on a restarted server: every acknowledged progress report is stored exactly once,
//     a retry of an acknowledged one replays its stored answer, a retry of an unanswered one
//     records it exactly once, and every acknowledged import is there, whole.
// A store-open test: a server that skips the WAL's fdatasync leaves its commits in the page cache;
// a normal server opening the store must sync them before showing them, so they survive a cut.
// The negative controls run the same load with the store's sync broken (turned off; or only the
// WAL's fdatasync skipped) and assert that acknowledged writes ARE lost: the layer bites.
// 10 trials in npm test; 100 with GRIDLEDGER_RELIABILITY=long (npm run reliability). Skipped,
// with the reason, where FUSE cannot be mounted.
import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openGridLedger, PROJECTIONS, rebuildReadModels } from '../../src/app/gridledger.js'
import { main } from '../../src/cli/main.js'
import type { ReadModelStore } from '../../src/projections/storage/readModelStore.js'
import { openStore } from '../../src/store/openStore.js'
import { mountPowerLossFs, powerLossFsUnavailable, type PowerLossMount } from '../support/powerLossFs.js'
import { IMPORT_PARTNERSHIP, history, postImport, postProgress, progressNotes, random, writeUntilKilled, type MintedToken, type ProgressWrite } from '../support/powerLossWorkload.js'
import { call, seedPlanOverHttp, startServer, type SeededPlan, type ServerChild } from '../support/reliabilityServer.js'

const LONG = process.env.GRIDLEDGER_RELIABILITY === 'long'
const TRIALS = Number(process.env.GRIDLEDGER_POWER_LOSS_TRIALS ?? (LONG ? 100 : 10))
const VARIANT_SERVER = fileURLToPath(new URL('../support/storeVariantServer.ts', import.meta.url))
// Each trial restarts a server and reopens the store twice; on a loaded machine that is slow.
t.setTimeout(LONG ? 3 * 60 * 60_000 : 30 * 60_000)

const unavailable = await powerLossFsUnavailable()
if (unavailable) t.comment(`power-loss trials skipped: ${unavailable}`)

/** Every read model's documents and every projection's checkpoint. */
function snapshot(rm: ReadModelStore): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const p of PROJECTIONS) {
    out[`checkpoint:${p.name}`] = rm.checkpoint(p.name)
    for (const c of p.collections) out[c] = rm.list(c)
  }
  return out
}

/** `gridledger verify --json` on the store, in this process (main() is the CLI's own entry). */
async function verify(store: string): Promise<{ code: number; verdicts: Array<{ planId: string; ok: boolean; events: number }>; output: string }> {
  const before = process.env.GRIDLEDGER_STORE
  process.env.GRIDLEDGER_STORE = store
  const lines: string[] = []
  try {
    const code = await main(['verify', '--json'], l => lines.push(l), l => lines.push(l))
    const output = lines.join('\n')
    return { code, verdicts: code === 2 ? [] : JSON.parse(output), output }
  } finally {
    if (before === undefined) delete process.env.GRIDLEDGER_STORE
    else process.env.GRIDLEDGER_STORE = before
  }
}

interface Harness {
  root: string
  state: string
  dir: string
  store: string
  mount: PowerLossMount
  server: ServerChild | null
}

async function harness(t: Test, name: string): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), `gridledger-${name}-`))
  const h: Harness = { root, state: join(root, 'disk'), dir: join(root, 'mnt'), store: '', mount: null as unknown as PowerLossMount, server: null }
  h.store = `sqlite:${join(h.dir, 'ledger.db')}`
  h.mount = await mountPowerLossFs(h.state, h.dir)
  t.teardown(async () => {
    await h.server?.kill('SIGKILL')
    await h.mount.unmount()
    rmSync(root, { recursive: true, force: true })
  })
  return h
}

/** Kills the server (already dead after the workload), cuts the power, and mounts what reached the disk. */
async function powerCut(h: Harness, mode: 'drop' | 'torn', seed: number) {
  await h.server?.kill('SIGKILL')
  h.server = null
  const report = await h.mount.cut(mode, seed)
  await h.mount.unmount()
  h.mount = await mountPowerLossFs(h.state, h.dir)
  return report
}

/** Starts the server on the killed server's store (not cut yet), reads the plans' versions, kills it again. */
async function reopenAndRead(h: Harness): Promise<Map<string, number>> {
  h.server = await startServer({ store: h.store })
  const res = await call(h.server.url, 'GET', '/v1/plans')
  await h.server.kill('SIGKILL')
  h.server = null
  return new Map((res.json().items as Array<{ id: string; version: number }>).map(p => [p.id, p.version]))
}

t.test(`power cut under 16 writers, ${TRIALS} trials: acknowledged writes survive exactly once`, { skip: unavailable ?? false }, async t => {
  const h = await harness(t, 'power-loss')
  h.server = await startServer({ store: h.store })
  const plans: SeededPlan[] = [await seedPlanOverHttp(h.server.url, 4, 'Ealing DAAT'), await seedPlanOverHttp(h.server.url, 4, 'Slough DAAT')]
  const first = await postImport(h.server.url)
  t.equal(first.status, 201, 'the import document imports')
  const firstPlan = (JSON.parse(first.text) as { planId: string }).planId
  const importEvents = (await history(h.server.url, firstPlan)).length
  t.ok(importEvents > 3, `one import records ${importEvents} events`)

  const seed = Number(process.env.GRIDLEDGER_CRASH_SEED ?? Date.now() % 1_000_000)
  t.comment(`seed ${seed} (GRIDLEDGER_CRASH_SEED=${seed} replays the cut moments and modes)`)
  const rand = random(seed)
  const progress: ProgressWrite[] = [] // every report answered 201, before a cut or on a retry
  const imports = new Set<string>([firstPlan])
  const tokens: MintedToken[] = []
  let serverKind = 'gridledger serve'
  const totals = { smallCheckpointTrials: 0, restartsBeforeCut: 0, acknowledged: 0, unanswered: 0, replayedAfterCut: 0, recordedOnRetry: 0, imports: 0, tokens: 0, tornCuts: 0, unsyncedSectorsLost: 0, walSectorsLost: 0, namesLost: 0, fsyncs: 0, dirFsyncs: 0 }

  for (let trial = 1; trial <= TRIALS; trial++) {
    const killAfterMs = 150 + Math.floor(rand() * 1000)
    const server = h.server!
    const log = await writeUntilKilled(server, plans, `t${trial}`, killAfterMs, rand, () => server.child.kill('SIGKILL'))
    const mode = rand() < 0.5 ? 'torn' : 'drop'
    // Some trials restart the server before the cut: what the restarted store showed (the killed
    // server's commits whose sync was still running included) must survive the cut too.
    const reopened = rand() < 0.3 ? await reopenAndRead(h) : null
    const fsStats = await h.mount.stats()
    const cut = await powerCut(h, mode, Math.floor(rand() * 1e9))
    const lostSectors = Object.values(cut.files).reduce((n, f) => n + f.unsyncedSectors - (f.tornSectorsKept ?? 0), 0)
    const where = `trial ${trial} (${serverKind}, cut after ${killAfterMs} ms${reopened ? ' and a restart' : ''}, ${mode}, ${log.acknowledged.length} reports, ${log.importsAcknowledged.length} imports, ${log.tokensAcknowledged.length} tokens acknowledged; ${lostSectors} unsynced sectors and ${cut.namesLost.length} names lost)`
    t.same(log.unexpected, [], `${where}: no unexpected answer before the cut`)
    if (reopened) for (const [id, v] of reopened) log.versionsSeen.set(id, Math.max(v, log.versionsSeen.get(id) ?? 0))
    progress.push(...log.acknowledged)
    for (const id of log.importsAcknowledged) imports.add(id)
    tokens.push(...log.tokensAcknowledged)

    // The store as the power cut left it: its hash chains, then its read models against a rebuild.
    const verified = await verify(h.store)
    t.equal(verified.code, 0, `${where}: gridledger verify passes (${verified.verdicts.length} plans)`, { output: verified.code === 0 ? undefined : verified.output.slice(0, 2000) })
    const ledger = await openGridLedger({ store: h.store })
    try {
      const left = snapshot(ledger.readModels)
      const missingTokens = tokens.filter(m => ledger.readModels.get('tokenIds', m.id) === undefined)
      t.same(missingTokens.map(m => m.label), [], `${where}: every acknowledged token is known`)
      await rebuildReadModels(ledger)
      t.same(snapshot(ledger.readModels), left, `${where}: the read models equal a rebuild from the events`)
    } finally {
      await ledger.close()
    }

    // A third of the trials run on a server whose store checkpoints every 32 WAL pages (not 4000), so cuts land around checkpoints too.
    serverKind = rand() < 1 / 3 ? 'small-checkpoints' : 'gridledger serve'
    h.server = serverKind === 'small-checkpoints' ? await startServer({ store: h.store, entry: VARIANT_SERVER, env: { GRIDLEDGER_TEST_STORE_VARIANT: serverKind } }) : await startServer({ store: h.store })
    totals.smallCheckpointTrials += serverKind === 'small-checkpoints' ? 1 : 0
    const url = h.server.url
    const counts = await progressNotes(url, plans)
    t.same(progress.filter(w => counts.get(w.body.note) !== 1).map(w => `${w.key}: stored ${counts.get(w.body.note) ?? 0} times`), [], `${where}: every acknowledged report is stored exactly once`)
    t.same(log.unanswered.filter(w => (counts.get(w.body.note) ?? 0) > 1).map(w => w.key), [], `${where}: no unanswered report is stored twice`)

    // Idempotency records: a retry of an acknowledged report replays; of an unanswered one, records it once.
    const sample = log.acknowledged.filter(() => rand() < 0.2).slice(0, 20)
    let replayed = 0
    let recorded = 0
    for (const w of sample) {
      const res = await postProgress(url, w)
      t.ok(res.status === 201 && res.headers.get('idempotent-replayed') === 'true', `${where}: retry of acknowledged ${w.key} replays (${res.status} ${res.headers.get('idempotent-replayed')})`)
    }
    for (const w of log.unanswered) {
      const stored = counts.get(w.body.note) === 1
      const res = await postProgress(url, w)
      const wasReplayed = res.headers.get('idempotent-replayed') === 'true'
      t.ok(res.status === 201 && wasReplayed === stored, `${where}: retry of unanswered ${w.key} answers 201, ${stored ? 'replayed' : 'recorded now'} (${res.status} ${res.text.slice(0, 200)})`)
      if (res.status === 201) progress.push(w)
      if (wasReplayed) replayed++
      else recorded++
    }
    const after = await progressNotes(url, plans)
    t.same(progress.filter(w => after.get(w.body.note) !== 1).map(w => `${w.key}: stored ${after.get(w.body.note) ?? 0} times`), [], `${where}: after the retries every report is stored exactly once`)

    // Imports: every acknowledged one there; every imported plan whole.
    const listed = (await call(url, 'GET', '/v1/plans')).json().items as Array<{ id: string; partnership: string; version: number }>
    const versions = new Map(listed.map(p => [p.id, p.version]))
    t.same([...log.versionsSeen].filter(([id, v]) => (versions.get(id) ?? 0) < v).map(([id, v]) => `${id}: shown at version ${v}, now ${versions.get(id) ?? 'absent'}`), [], `${where}: no plan is behind the version a reader was shown before the cut (${log.versionsSeen.size} plans read)`)
    const imported = listed.filter(p => p.partnership === IMPORT_PARTNERSHIP)
    const ids = new Set(imported.map(p => p.id))
    t.same([...imports].filter(id => !ids.has(id)), [], `${where}: every acknowledged import is there`)
    t.same(imported.filter(p => p.version !== importEvents).map(p => `${p.id}: ${p.version} events`), [], `${where}: every imported plan is whole (${importEvents} events)`)

    // This trial's tokens authenticate on the restarted server.
    const refused: string[] = []
    for (const m of log.tokensAcknowledged.slice(0, 30)) {
      const res = await call(url, 'GET', '/v1/plans', undefined, { token: m.token })
      if (res.status !== 200) refused.push(`${m.label}: ${res.status}`)
    }
    t.same(refused, [], `${where}: this trial's acknowledged tokens authenticate`)

    totals.acknowledged += log.acknowledged.length
    totals.unanswered += log.unanswered.length
    totals.replayedAfterCut += replayed
    totals.recordedOnRetry += recorded
    totals.imports += log.importsAcknowledged.length
    totals.tokens += log.tokensAcknowledged.length
    totals.tornCuts += mode === 'torn' ? 1 : 0
    totals.restartsBeforeCut += reopened ? 1 : 0
    totals.unsyncedSectorsLost += lostSectors
    const wal = cut.files['ledger.db-wal']
    totals.walSectorsLost += wal ? wal.unsyncedSectors - (wal.tornSectorsKept ?? 0) : 0
    totals.namesLost += cut.namesLost.length
    totals.fsyncs += fsStats.fsyncs
    totals.dirFsyncs += fsStats.dirFsyncs
  }
  t.comment(
    `${TRIALS} power cuts (${totals.tornCuts} torn, ${totals.restartsBeforeCut} after a restart; ${totals.smallCheckpointTrials} trials on 32-page checkpoints): ${totals.acknowledged} progress reports, ${totals.imports} imports and ${totals.tokens} tokens acknowledged and all found; ` +
      `${totals.unanswered} reports unanswered (${totals.replayedAfterCut} had been stored and replayed on retry, ${totals.recordedOnRetry} recorded on retry); ` +
      `${totals.unsyncedSectorsLost} unsynced sectors (${totals.walSectorsLost} of the WAL) and ${totals.namesLost} directory entries lost to the cuts (the server made ${totals.fsyncs} file and ${totals.dirFsyncs} directory fsyncs); ${progress.length} reports checked in the end`,
  )
  t.ok(totals.acknowledged > 0 && totals.unsyncedSectorsLost > 0, 'the writers got acknowledgements, and the cuts lost unsynced data')
})

/** The progress notes stored, read in this process from the store as it is on disk now. */
async function storedNotes(storeUrl: string, planId: string): Promise<{ notes: Set<string>; planThere: boolean }> {
  const store = await openStore(storeUrl)
  try {
    const events = await store.readAll({ after: 0, limit: 1_000_000 })
    const notes = new Set(events.filter(e => e.type === 'ProgressReported').map(e => String(e.data.note)))
    return { notes, planThere: events.some(e => e.streamId.includes(planId)) }
  } finally {
    await store.close()
  }
}

t.test('store open: commits a killed process left unsynced are synced when the store opens, before it shows them', { skip: unavailable ?? false }, async t => {
  const h = await harness(t, 'power-loss-open')
  h.server = await startServer({ store: h.store })
  const plans = [await seedPlanOverHttp(h.server.url, 4, 'Ealing DAAT')]
  await h.server.kill('SIGKILL')
  // A server that never syncs its WAL leaves its commits in the page cache only...
  h.server = await startServer({ store: h.store, entry: VARIANT_SERVER, env: { GRIDLEDGER_TEST_STORE_VARIANT: 'skip-wal-fdatasync' } })
  const broken = h.server
  const log = await writeUntilKilled(broken, plans, 'open', { acknowledged: 40, maxMs: 60_000 }, random(7), () => broken.child.kill('SIGKILL'))
  t.ok(log.acknowledged.length > 0, `${log.acknowledged.length} reports written and left unsynced`)
  // ...a normal server opens the store and shows them...
  h.server = await startServer({ store: h.store })
  const shown = await progressNotes(h.server.url, plans)
  t.same(log.acknowledged.filter(w => shown.get(w.body.note) !== 1).map(w => w.key), [], 'the reopened server shows every report')
  await h.server.kill('SIGKILL')
  h.server = null
  // ...so after a power cut they must all be there.
  await powerCut(h, 'drop', 7)
  const { notes } = await storedNotes(h.store, plans[0].planId)
  t.same(log.acknowledged.filter(w => !notes.has(w.body.note)).map(w => w.key), [], 'every report the reopened server showed survived the power cut')
})

for (const broken of ['no-sync', 'skip-wal-fdatasync'] as const) {
  t.test(`negative control (${broken}): the same load with the store's sync broken loses acknowledged writes at a power cut`, { skip: unavailable ?? false }, async t => {
    const h = await harness(t, `power-loss-control-${broken}`)
    // Seeded by a normal server (synced), so what the control loses is what it wrote itself.
    h.server = await startServer({ store: h.store })
    const plans = [await seedPlanOverHttp(h.server.url, 4, 'Ealing DAAT')]
    await h.server.kill('SIGKILL')
    const rounds = LONG ? 5 : 1
    let lostTotal = 0
    for (let round = 1; round <= rounds; round++) {
      h.server = await startServer({ store: h.store, entry: VARIANT_SERVER, env: { GRIDLEDGER_TEST_STORE_VARIANT: broken } })
      t.match(h.server.log(), `"storeVariant":"${broken}"`, `round ${round}: the server runs with its sync broken (${broken}, test only)`)
      const server = h.server
      const log = await writeUntilKilled(server, plans, `${broken}-${round}`, { acknowledged: 40, maxMs: 60_000 }, random(round), () => server.child.kill('SIGKILL'))
      t.ok(log.acknowledged.length > 0, `round ${round}: ${log.acknowledged.length} reports acknowledged before the cut`)
      const cut = await powerCut(h, 'drop', round)
      const { notes, planThere } = await storedNotes(h.store, plans[0].planId)
      t.ok(planThere, `round ${round}: what the synced server wrote survived`)
      const lost = log.acknowledged.filter(w => !notes.has(w.body.note))
      t.ok(lost.length > 0, `round ${round}: the power cut lost ${lost.length} of ${log.acknowledged.length} acknowledged reports (${Object.keys(cut.files).join(', ')} had unsynced writes)`)
      lostTotal += lost.length
    }
    t.comment(`negative control (${broken}): ${rounds} power cut(s) lost ${lostTotal} acknowledged progress reports`)
  })
}
