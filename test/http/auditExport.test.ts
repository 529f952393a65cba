// GET /v1/plans/{planId}/export and `gridledger verify --file`: the export streams the plan's
// events with their chain; the file alone is checked (no server, no store), and each way of
// tampering with it — edit, delete, reorder, truncate, re-hash a tail, re-hash everything —
// is caught at the right line.
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EXPORT_PAGE } from '../../src/app/export/planExport.js'
import { storedEventOf, type ExportedEvent, type ExportHeader } from '../../src/app/export/format.js'
import { verifyExport, type VerifyOptions } from '../../src/app/export/verifyExport.js'
import { HeadSigner, publicKeyFrom } from '../../src/app/signing/signedHead.js'
import { generateKeyPairSync } from 'node:crypto'
import { main } from '../../src/cli/main.js'
import { eventHash, GENESIS_HASH } from '../../src/store/hashChain.js'
import type { EventStore, ReadStreamOptions } from '../../src/store/eventStore.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { runCli } from '../support/cli.js'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'

const dir = mkdtempSync(join(tmpdir(), 'gl-export-'))

async function post(h: Harness, url: string, payload: object, method: 'POST' | 'PUT' = 'POST') {
  const res = await h.request({ method, url, payload })
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** A plan with progress, a Q1 sign-off and a later correction: 9 events, the sign-off at position 7 (line 8). */
async function signedPlan(h: Harness) {
  const f = await seedPlan(h)
  await post(h, `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, { effectiveDate: '2008-06-20', note: '12 staff trained' })
  h.clock.set('2008-07-01T10:00:00.000Z')
  await post(h, `/v1/plans/${f.planId}/actions/${f.actionId}/rag`, { rag: 'amber', effectiveDate: '2008-06-30' }, 'PUT')
  h.clock.set('2008-07-10T10:00:00.000Z')
  const signoff = await post(h, `/v1/plans/${f.planId}/signoffs`, { quarter: 1, signedBy: 'Board' })
  h.clock.set('2008-08-01T10:00:00.000Z')
  await post(h, `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, { effectiveDate: '2008-06-29', note: '14 staff trained (corrected)' })
  await post(h, `/v1/plans/${f.planId}/actions/${f.actionId}/progress`, { effectiveDate: '2008-07-30', note: 'Second cohort booked' })
  return { ...f, signoff }
}

const check = (lines: string[], options?: VerifyOptions) =>
  verifyExport(async function* () {
    yield* lines
  }, options)

/** The whole file re-hashed, line 1 re-signed with a key of the forger's own and carrying it. */
function forge(lines: string[]): string[] {
  const out = rehash(lines, 1)
  const top = JSON.parse(out[0]) as ExportHeader
  const signer = new HeadSigner(generateKeyPairSync('ed25519').privateKey)
  const signedHead = signer.sign({ planId: top.planId, streamId: top.streamId, version: top.events, head: top.head }, new Date())
  out[0] = JSON.stringify({ ...top, publicKey: signer.publicKeyPem, keyId: signer.keyId, signedHead })
  return out
}

/** Recomputes the chain from line index `from` (0-based, ≥ 1) to the end, as a forger with the file would. */
function rehash(lines: string[], from: number, header = true): string[] {
  const top = JSON.parse(lines[0]) as ExportHeader
  const out = [...lines]
  let prev = from === 1 ? GENESIS_HASH : (JSON.parse(out[from - 1]) as ExportedEvent).hash
  for (let i = from; i < out.length; i++) {
    const e = JSON.parse(out[i]) as ExportedEvent
    e.prevHash = prev
    e.hash = eventHash(prev, top.streamId, e.position, storedEventOf(e, top.streamId))
    out[i] = JSON.stringify(e)
    prev = e.hash
  }
  if (header) out[0] = JSON.stringify({ ...top, head: prev })
  return out
}

function editData(line: string, change: (data: Record<string, unknown>) => void): string {
  const e = JSON.parse(line) as ExportedEvent
  change(e.data)
  return JSON.stringify(e)
}

t.test('the export, and verify --file on it and on tampered copies', async t => {
  const h = await startHarness({ clockStart: '2008-06-20T09:00:00.000Z' })
  t.teardown(() => h.close())
  const { planId } = await signedPlan(h)
  const auditor = await h.token('auditor')
  const res = await h.request({ method: 'GET', url: `/v1/plans/${planId}/export`, token: auditor.token })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/x-ndjson/)
  t.match(res.headers['content-disposition'], /attachment; filename="plan-.*-export\.ndjson"/)
  t.ok(res.body.endsWith('\n'), 'every line ends with a newline')
  const lines = res.body.trimEnd().split('\n')
  t.equal(lines.length, 10, 'a first line and nine events')
  t.match(JSON.parse(lines[0]), { kind: 'export', format: 'gridledger-export/1', planId, streamId: `plan-${planId}`, events: 9, head: /^[0-9a-f]{64}$/ })
  t.match(JSON.parse(lines[1]), { kind: 'event', position: 1, type: 'PlanCreated', prevHash: GENESIS_HASH, hash: /^[0-9a-f]{64}$/ })
  t.match(JSON.parse(lines[7]), { position: 7, type: 'ReportSignedOff', data: { quarter: 1, contentHash: /^[0-9a-f]{64}$/ } })
  // The same chain the store holds.
  const integrity = (await h.request({ method: 'GET', url: `/v1/plans/${planId}/integrity` })).json()
  t.equal(JSON.parse(lines[9]).hash, integrity.head)

  const good = await check(lines)
  t.match(good, { ok: true, planId, events: 9, head: integrity.head, signoffs: [{ ok: true, line: 8, position: 7 }] })

  // Through the CLI, in process and as a child process with no store anywhere.
  const file = join(dir, 'export.ndjson')
  writeFileSync(file, res.body)
  const out: string[] = []
  t.equal(await main(['verify', '--file', file], l => out.push(l), l => out.push(l)), 0)
  t.match(out.join('\n'), /^ok {3}.*: plan .*, 9 events, head [0-9a-f]{64}, 1 sign-off replayed, 2 signed heads checked with the key the file carries/)
  const noStore = join(dir, 'no-such-dir', 'never.db')
  const child = await runCli(['verify', '--file', file, '--json'], { GRIDLEDGER_STORE: `sqlite:${noStore}`, LOG_LEVEL: 'silent' })
  t.equal(child.code, 0, child.stderr)
  t.match(JSON.parse(child.stdout), { ok: true, events: 9 })

  const cases: Array<[string, string[], number, RegExp]> = [
    ['a payload edited', lines.map((l, i) => (i === 5 ? editData(l, d => (d.note = '20 staff trained')) : l)), 6, /event 5's content does not match its hash/],
    ['an event deleted', lines.filter((_, i) => i !== 4), 5, /event 4 is missing or moved \(found 5 where it belongs\)/],
    ['two events reordered', lines.map((l, i) => (i === 4 ? lines[5] : i === 5 ? lines[4] : l)), 5, /event 4 is missing or moved \(found 5 where it belongs\)/],
    ['the last two events cut off', lines.slice(0, 8), 9, /ends after event 7 of the 9 line 1 announces \(truncated\)/],
    ['cut in the middle of a line', [...lines.slice(0, 9), lines[9].slice(0, 40)], 10, /line 10 is not a JSON object/],
    ['a blank line inserted', [...lines.slice(0, 3), '', ...lines.slice(3)], 4, /line 4 is empty/],
    ['a payload edited and the tail re-hashed', rehash(lines.map((l, i) => (i === 8 ? editData(l, d => (d.note = '15 staff trained')) : l)), 8, false), 10, /head other than the one line 1 names/],
    ['everything re-hashed after an edit', rehash(lines.map((l, i) => (i === 5 ? editData(l, d => (d.note = '20 staff trained')) : l)), 1), 1, /line 1: the signed head is not the head line 1 names/],
    ['everything re-hashed and line 1 re-signed with another key', forge(lines.map((l, i) => (i === 5 ? editData(l, d => (d.note = '20 staff trained')) : l))), 8, /sign-off .*: the signed head does not verify: it was signed with key/],
    [
      'an event the sign-off covers edited, its signed head dropped, everything re-hashed and re-signed',
      forge(lines.map((l, i) => (i === 5 ? editData(l, d => (d.note = '20 staff trained')) : i === 7 ? editData(l, d => delete d.signedHead) : l))),
      8,
      /sign-off .* replayed as of .* no longer matches the hash signed/,
    ],
    [
      'the frozen report edited, its signed head dropped, everything re-hashed and re-signed',
      forge(lines.map((l, i) => (i === 7 ? editData(l, d => ((d.report as { rows: Array<{ rag: string }> }).rows[0].rag = 'green', delete d.signedHead)) : l))),
      8,
      /report stored with it no longer matches its content hash/,
    ],
    ['not an export', ['{"hello":1}', ...lines.slice(1)], 1, /line 1 is not the first line of a gridledger-export\/1 file/],
  ]
  for (const [name, tampered, line, detail] of cases) {
    const v = await check(tampered)
    t.equal(v.ok, false, `${name}: not ok`)
    t.equal(v.firstBadLine, line, `${name}: line ${line} (${v.detail})`)
    t.match(v.detail, detail, `${name}: says why`)
  }
  // An edit no sign-off covers, the sign-off's signed head dropped, the file re-hashed and re-signed with
  // the forger's own key: it holds together on its own (the key it carries is not trusted), and fails
  // against the server's key.
  const forged = forge(lines.map((l, i) => (i === 9 ? editData(l, d => (d.note = 'Nothing booked')) : i === 7 ? editData(l, d => delete d.signedHead) : l)))
  t.match(await check(forged), { ok: true, keyTrusted: false })
  const serverKey = publicKeyFrom((await h.request({ method: 'GET', url: '/v1/keys', token: null })).body)
  t.match(await check(lines, { publicKey: serverKey }), { ok: true, keyTrusted: true, heads: [{ source: 'line 1', ok: true }, { source: /^line 8 \(sign-off/, ok: true }] })
  t.match(await check(forged, { publicKey: serverKey }), { ok: false, firstBadLine: 1, detail: /line 1: the signed head does not verify: it was signed with key/ })

  // The CLI says which line and exits 1.
  writeFileSync(file, cases[0][1].join('\n') + '\n')
  const failed: string[] = []
  t.equal(await main(['verify', '--file', file], l => failed.push(l), l => failed.push(l)), 1)
  t.match(failed.join('\n'), /^FAIL .*: line 6: event 5's content does not match its hash/)
  t.equal(await main(['verify', '--file', join(dir, 'missing.ndjson')], () => {}, () => {}), 2)

  // Roles and a missing plan.
  const provider = await h.token('provider', ['CNWL'])
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${planId}/export`, token: provider.token })).statusCode, 403)
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/nope/export` })).statusCode, 404)
})

t.test('the export reads the store a page at a time, never the whole plan', async t => {
  const inner = createMemoryEventStore()
  let largest = 0
  let unbounded = 0
  const store: EventStore = Object.create(inner) as EventStore
  store.readStream = async (streamId: string, options?: ReadStreamOptions) => {
    const events = await inner.readStream(streamId, options)
    if (options?.toVersion === undefined && options?.limit === undefined) unbounded++
    largest = Math.max(largest, events.length)
    return events
  }
  const h = await startHarness({ eventStore: store, clockStart: '2008-06-20T09:00:00.000Z' })
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  const commands = Array.from({ length: 2 * EXPORT_PAGE + 7 }, (_, i) => ({ type: 'ReportProgress' as const, actionId: f.actionId, effectiveDate: '2008-06-20', note: `note ${i}` }))
  await h.ledger.commands.executeBatch(f.planId, commands, { principal: { tokenId: null, role: 'admin', label: 'test', owners: [] } })
  largest = 0
  unbounded = 0
  const res = await h.request({ method: 'GET', url: `/v1/plans/${f.planId}/export` })
  t.equal(res.statusCode, 200)
  const lines = res.body.trimEnd().split('\n')
  t.equal(lines.length, 1 + 4 + 2 * EXPORT_PAGE + 7)
  t.equal(unbounded, 0, 'no read of the whole stream')
  t.ok(largest <= EXPORT_PAGE, `at most ${EXPORT_PAGE} events read at once (${largest})`)
  t.equal((await check(lines)).ok, true)
})
