// Signed chain heads against the attack they exist for: someone with write access to the
// database edits an event, re-hashes the plan's whole chain and fixes the plan catalogue's
// record of the head. Every check the server can make on its own store then passes (and the
// server signs the forged head in a new export); a signed head an auditor kept from before
// shows the rewrite, offline, with the server's public key kept apart.
import t from 'tap'
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultSigningKeyPath, openSigner } from '../../src/app/signing/signingKey.js'
import { publicKeyFrom, signedHeadProblem } from '../../src/app/signing/signedHead.js'
import { main } from '../../src/cli/main.js'
import type { SqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { rewriteHistory } from '../support/forgery.js'
import { seedPlan, startHarness, type Harness } from '../support/harness.js'

const dir = mkdtempSync(join(tmpdir(), 'gl-heads-'))

async function cli(...argv: string[]) {
  const lines: string[] = []
  const code = await main(argv, l => lines.push(l), l => lines.push(l))
  return { code, out: lines.join('\n') }
}

async function progress(h: Harness, planId: string, actionId: string, note: string) {
  const res = await h.request({ method: 'POST', url: `/v1/plans/${planId}/actions/${actionId}/progress`, payload: { effectiveDate: '2008-07-01', note } })
  if (res.statusCode !== 201) throw new Error(res.body)
}

t.test('a kept signed head shows a history rewritten and re-chained in the database', async t => {
  const keyPath = join(dir, 'signing-key.pem')
  const first = await startHarness({ store: 'sqlite', signingKey: keyPath, clockStart: '2008-07-02T09:00:00.000Z' })
  let firstOpen = true
  t.teardown(() => (firstOpen ? first.close() : undefined))
  const { planId, actionId } = await seedPlan(first)
  await progress(first, planId, actionId, 'Venue booked')
  await progress(first, planId, actionId, '12 staff trained')

  // The auditor keeps the server's public key and the plan's signed head (6 events), apart from the server.
  const auditor = await first.token('auditor')
  const keys = await first.request({ method: 'GET', url: '/v1/keys', token: null })
  t.equal(keys.statusCode, 200)
  t.match(keys.json(), { items: [{ keyId: /^[0-9a-f]{64}$/, algorithm: 'Ed25519', publicKey: /BEGIN PUBLIC KEY/ }] })
  const keptKey = join(dir, 'server-key.json')
  writeFileSync(keptKey, keys.body)
  const head = await first.request({ method: 'GET', url: `/v1/plans/${planId}/head`, token: auditor.token })
  t.equal(head.statusCode, 200)
  t.match(head.json(), { format: 'gridledger-chain-head/1', planId, version: 6, head: /^[0-9a-f]{64}$/, signature: String })
  t.equal(signedHeadProblem(head.json(), publicKeyFrom(keys.body)), null, 'the head verifies with the published key')
  const keptHead = join(dir, 'kept-head.json')
  writeFileSync(keptHead, head.body)
  const provider = await first.token('provider', ['CNWL'])
  t.equal((await first.request({ method: 'GET', url: `/v1/plans/${planId}/head`, token: provider.token })).statusCode, 403)

  await progress(first, planId, actionId, 'Second cohort booked')
  const honest = join(dir, 'honest.ndjson')
  writeFileSync(honest, (await first.request({ method: 'GET', url: `/v1/plans/${planId}/export` })).body)
  const before = await cli('verify', '--file', honest, '--key', keptKey, '--head', keptHead)
  t.equal(before.code, 0, before.out)
  t.match(before.out, /^ok .* 7 events, .*, 2 signed heads checked with key [0-9a-f]{64}$/)

  // The forger: event 5's note rewritten, the whole chain re-hashed, the catalogue's head fixed.
  const dbPath = (first.store as SqliteEventStore).path
  await first.close()
  firstOpen = false
  rewriteHistory(dbPath, planId, (v, data) => (v === 5 ? { ...data, note: 'Venue cancelled' } : undefined))
  const second = await startHarness({ sqlitePath: dbPath, signingKey: keyPath, clockStart: '2008-07-03T09:00:00.000Z' })
  t.teardown(() => second.close())
  // Everything the server can check on its own store passes...
  t.match((await second.request({ method: 'GET', url: `/v1/plans/${planId}/integrity` })).json(), { ok: true, events: 7 })
  const history = (await second.request({ method: 'GET', url: `/v1/plans/${planId}/history` })).json()
  t.equal(history.items[4].data.note, 'Venue cancelled', 'the forgery is what the server now shows')
  // ...and a new export carries the forged head, signed by the server's own key.
  const forged = join(dir, 'forged.ndjson')
  writeFileSync(forged, (await second.request({ method: 'GET', url: `/v1/plans/${planId}/export` })).body)
  const alone = await cli('verify', '--file', forged, '--key', keptKey)
  t.equal(alone.code, 0, 'without a kept head the forged export checks: the server signed what its database holds')
  // The kept head does not.
  const caught = await cli('verify', '--file', forged, '--key', keptKey, '--head', keptHead)
  t.equal(caught.code, 1)
  t.match(caught.out, /^FAIL .*: kept head 1: the chain's hash at event 6 is not the head signed: history up to it was rewritten$/)
  const json = await cli('verify', '--file', forged, '--key', keptKey, '--head', keptHead, '--json')
  t.match(JSON.parse(json.out), { ok: false, firstBadLine: 7, heads: [{ source: 'line 1', ok: true }, { source: 'kept head 1', version: 6, ok: false }] })
  // A kept head is only evidence with a key kept apart from the file.
  t.equal((await cli('verify', '--file', forged, '--head', keptHead)).code, 2)
})

t.test('the signing key: made once beside the store with mode 0600, then reused', async t => {
  const store = `sqlite:${join(dir, 'keys', 'gridledger.db')}`
  const path = defaultSigningKeyPath(store)!
  t.equal(path, join(dir, 'keys', 'gridledger.db.signing-key.pem'))
  const made: string[] = []
  const one = openSigner({ storeUrl: store, onCreate: p => made.push(p) })
  t.same(made, [path])
  t.ok(existsSync(path))
  t.equal(statSync(path).mode & 0o777, 0o600)
  const two = openSigner({ storeUrl: store, onCreate: p => made.push(p) })
  t.equal(two.keyId, one.keyId, 'the same key at the next start')
  t.same(made, [path], 'not made again')
  t.equal(defaultSigningKeyPath('memory:'), null)
  const named = join(dir, 'named.pem')
  t.equal(openSigner({ keyPath: named, storeUrl: store }).keyId === one.keyId, false, 'GRIDLEDGER_SIGNING_KEY names another key')
  writeFileSync(join(dir, 'not-a-key.pem'), 'hello')
  t.throws(() => openSigner({ keyPath: join(dir, 'not-a-key.pem') }), /cannot read the signing key/)
})
