// Import profiles for what no rule can guess: a small JSON file of words, added to the built-in
// profile. From a file (`gridledger import FILE --profile P`) or stored on the server
// (GRIDLEDGER_IMPORT_PROFILES_DIR/NAME.json, `POST /v1/imports?profile=NAME`).
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryBackend } from '../../src/app/backends.js'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { main } from '../../src/cli/main.js'
import { buildApp } from '../../src/http/app.js'
import { parsePlanDocument } from '../../src/import/index.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { ADMIN_TOKEN } from '../support/harness.js'

/**
 * A plan whose parts are "Theme 1/2" and whose objectives are "Commitment 1.1…": words no
 * built-in rule knows. Hand count: 2 grids, 3 objectives, 5 actions.
 */
const THEMES = `Riverside Safer Communities Partnership
Substance misuse treatment plan 2009/10

Theme 1: Getting people into treatment
Commitment 1.1: Shorter waits
Action\tBy when\tBy whom
Open a Saturday assessment clinic\tJune 2009\tCDT
Publish waiting times monthly\tApril 2009\tDAT
Commitment 1.2: More referrals from custody
Action\tBy when\tBy whom
Place a worker in the custody suite\tSeptember 2009\tArrest Referral

Theme 2: Keeping people safe
Commitment 2.1: Fewer overdose deaths
Action\tBy when\tBy whom
Train hostel staff\tJuly 2009\tHostels forum
Supply naloxone kits\tDecember 2009\tPharmacy lead
`
const PROFILE = { name: 'riverside', headings: { grid: ['theme'], objective: ['commitment'] } }

t.test('without the profile the document is refused; with it, read to the hand counts', async t => {
  const refused = parsePlanDocument(THEMES)
  t.notOk(refused.ok, 'refused with the built-in words')
  t.match(!refused.ok && refused.reason, /no recognisable planning grid.*an import profile setting that would help: \{"headings": \{"grid": \["theme"\]\}\}/, 'the refusal suggests the profile setting')
  const read = parsePlanDocument(THEMES, { profile: PROFILE })
  if (!read.ok) throw new Error(read.reason)
  t.equal(read.plan.partnership, 'Riverside Safer Communities Partnership')
  t.same(read.plan.grids.map(g => [g.number, g.title]), [[1, 'Getting people into treatment'], [2, 'Keeping people safe']])
  t.same(read.plan.grids.map(g => g.objectives.map(o => [o.number, o.actions.length])), [[['1.1', 2], ['1.2', 1]], [['2.1', 2]]], 'hand count: 2 grids, 3 objectives, 5 actions')
})

t.test('a profile stored on the server, chosen with ?profile=NAME', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-profiles-'))
  writeFileSync(join(dir, 'riverside.json'), JSON.stringify(PROFILE))
  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ headings: { grid: 'theme' }, colour: 'blue' }))
  const ledger = await assembleGridLedger(memoryBackend(createMemoryEventStore()), { adminToken: ADMIN_TOKEN, importProfilesDir: dir })
  const app = await buildApp(ledger, { rateLimit: 0 })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
  })
  const post = (query: string) => app.inject({ method: 'POST', url: `/v1/imports?dryRun=true${query}`, payload: THEMES, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' } })
  const plain = await post('')
  t.equal(plain.statusCode, 400, 'refused without a profile')
  const read = await post('&profile=riverside')
  t.equal(read.statusCode, 200, read.body)
  t.same(read.json().counts, { grids: 2, objectives: 3, actions: 5 })
  const unknown = await post('&profile=nowhere')
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json().errors, [{ path: 'profile', message: /no import profile "nowhere".*stored: broken, riverside/ }])
  const broken = await post('&profile=broken')
  t.equal(broken.statusCode, 400)
  t.match(broken.json().errors, [{ path: 'profile', message: /invalid import profile: .*headings\.grid.*colour|invalid import profile/ }])
  t.comment(broken.json().errors[0].message)
  const sneaky = await post('&profile=..%2Fetc')
  t.equal(sneaky.statusCode, 400, 'a name is never a path')
})

t.test('no profiles stored: ?profile says so', async t => {
  const ledger = await assembleGridLedger(memoryBackend(createMemoryEventStore()), { adminToken: ADMIN_TOKEN })
  t.teardown(() => ledger.close())
  const error = await ledger.imports.import(THEMES, { tokenId: null, role: 'admin', label: null, owners: [] }, { dryRun: true, profileName: 'riverside' }).catch((e: unknown) => e)
  t.match(error, { errors: [{ path: 'profile', message: /GRIDLEDGER_IMPORT_PROFILES_DIR is not set/ }] })
})

t.test('gridledger import FILE --profile P (a JSON file)', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-profile-cli-'))
  const saved = process.env.GRIDLEDGER_STORE
  process.env.GRIDLEDGER_STORE = `sqlite:${join(dir, 'cli.db')}`
  t.teardown(() => {
    if (saved === undefined) delete process.env.GRIDLEDGER_STORE
    else process.env.GRIDLEDGER_STORE = saved
  })
  writeFileSync(join(dir, 'plan.txt'), THEMES)
  writeFileSync(join(dir, 'riverside.json'), JSON.stringify(PROFILE))
  const out: string[] = []
  const err: string[] = []
  const code = await main(['import', join(dir, 'plan.txt'), '--profile', join(dir, 'riverside.json'), '--json'], l => out.push(l), l => err.push(l))
  t.equal(code, 0, err.join('\n'))
  t.same(JSON.parse(out.join('\n')).counts, { grids: 2, objectives: 3, actions: 5 })
})
