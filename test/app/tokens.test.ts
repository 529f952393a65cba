// The token service on its own (no HTTP): minting, authenticating, revoking, the bootstrap
// admin token, the rules on who may mint what, and a token minted by another process on the
// same store. Real store, real read models, real projection runner.
import t, { type Test } from 'tap'
import { BOOTSTRAP_TOKEN_ID, TokenService, tokensProjection, TOKENS_STREAM } from '../../src/app/tokens.js'
import type { Principal } from '../../src/domain/actor.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.js'
import { startProjections } from '../../src/projections/readModels/runner.js'
import { createMemoryReadModels } from '../../src/projections/storage/memoryReadModels.js'
import type { EventStore } from '../../src/store/eventStore.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'

const ADMIN = 'admin-bootstrap-secret-0123456789'
const admin: Principal = { tokenId: 'tok-admin', role: 'admin', label: 'admin', owners: [] }
const commissioner: Principal = { tokenId: 'tok-c', role: 'commissioner', label: 'DAAT', owners: [] }

/** One process: its own read models and runner over `store`. */
function instance(t: Test, store: EventStore, options: { catchUp?: boolean; adminToken?: string } = {}) {
  const readModels = createMemoryReadModels()
  const runner = startProjections(store, readModels, [tokensProjection], { onError: error => t.fail(String(error)) })
  t.teardown(() => runner.close())
  let catchUps = 0
  const tokens = new TokenService({
    store,
    readModels,
    clock: () => new Date('2008-07-20T09:00:00.000Z'),
    adminToken: options.adminToken,
    waitFor: position => runner.waitFor(position, 5_000),
    ...(options.catchUp ? { catchUp: async () => (catchUps++, runner.waitFor(await store.headPosition(), 2_000)) } : {}),
  })
  return { tokens, runner, catchUps: () => catchUps }
}

t.test('a minted token authenticates as its principal until it is revoked', async t => {
  const { tokens } = instance(t, createMemoryEventStore())
  const issued = await tokens.create({ role: 'provider', owners: [' CNWL ', 'cnwl', 'WDP'], label: ' CNWL system ' }, admin)
  t.match(issued.token, /^glt_[A-Za-z0-9_-]{43}$/, 'a random bearer token')
  t.same(issued.owners, ['CNWL', 'WDP'], 'owners trimmed and de-duplicated')
  t.equal(issued.label, 'CNWL system')
  t.same(await tokens.authenticate(issued.token), { tokenId: issued.id, role: 'provider', label: 'CNWL system', owners: ['CNWL', 'WDP'] })
  t.equal(await tokens.authenticate(issued.token + 'x'), null, 'another string is nobody')
  await tokens.revoke(issued.id, admin)
  t.equal(await tokens.authenticate(issued.token), null, 'revoked: nobody, though the lookup was cached')
  await tokens.revoke(issued.id, admin)
  t.pass('revoking twice is harmless')
})

t.test('the token itself is never stored, only its hash', async t => {
  const store = createMemoryEventStore()
  const { tokens } = instance(t, store)
  const issued = await tokens.create({ role: 'auditor' }, null)
  const events = await store.readStream(TOKENS_STREAM)
  t.equal(events.length, 1)
  t.notOk(JSON.stringify(events).includes(issued.token), 'the bearer does not appear in the stream')
  t.match(events[0].data, { tokenId: issued.id, tokenHash: /^[0-9a-f]{64}$/, role: 'auditor' })
  t.match(events[0].metadata, { actor: { tokenId: null, role: 'admin', label: 'cli' } }, 'minted from the CLI (no principal)')
})

t.test('who may mint and revoke, and what a token may carry', async t => {
  const { tokens } = instance(t, createMemoryEventStore())
  await t.rejects(tokens.create({ role: 'auditor' }, commissioner), ForbiddenError, 'only admins mint')
  await t.rejects(tokens.create({ role: 'superuser' }, admin), ValidationError, 'an unknown role')
  await t.rejects(tokens.create({ role: 'provider' }, admin), { errors: [{ path: 'owners' }] }, 'a provider token needs owners')
  await t.rejects(tokens.create({ role: 'commissioner', owners: ['CNWL'] }, admin), { errors: [{ path: 'owners' }] }, 'only provider tokens carry owners')
  const issued = await tokens.create({ role: 'commissioner' }, admin)
  await t.rejects(tokens.revoke(issued.id, commissioner), ForbiddenError, 'only admins revoke')
  await t.rejects(tokens.revoke('no-such-token', admin), NotFoundError)
  t.ok(await tokens.authenticate(issued.token), 'still valid')
  await t.rejects(tokens.create({ role: 'provider', owners: ['CNWL'], partnerships: ['Ealing DAAT'] }, admin), { errors: [{ path: 'partnerships' }] }, 'only commissioner and auditor tokens are scoped')
  await t.rejects(tokens.create({ role: 'admin', partnerships: ['Ealing DAAT'] }, admin), { errors: [{ path: 'partnerships' }] })
  await t.rejects(tokens.create({ role: 'auditor', partnerships: ['x'.repeat(501)] }, admin), { errors: [{ path: 'partnerships' }] }, 'a partnership name within the short-text limit')
  const scoped = await tokens.create({ role: 'auditor', partnerships: [' Ealing  DAAT', 'ealing daat', 'Slough DAAT'] }, admin)
  t.same(scoped.partnerships, ['Ealing DAAT', 'Slough DAAT'], 'tidied, case-insensitive repeats dropped')
  t.match(await tokens.authenticate(scoped.token), { role: 'auditor', partnerships: ['Ealing DAAT', 'Slough DAAT'] }, 'the principal carries its scope')
  t.notOk((await tokens.authenticate(issued.token))?.partnerships, 'an unscoped token carries none')
})

t.test('the bootstrap admin token', async t => {
  const { tokens } = instance(t, createMemoryEventStore(), { adminToken: ADMIN })
  t.same(await tokens.authenticate(ADMIN), { tokenId: BOOTSTRAP_TOKEN_ID, role: 'admin', label: 'bootstrap admin token', owners: [] })
  const { tokens: without } = instance(t, createMemoryEventStore())
  t.equal(await without.authenticate(ADMIN), null, 'only when configured')
})

t.test('a token minted by another process is found after catching up with the store', async t => {
  const store = createMemoryEventStore()
  const cli = instance(t, store)
  const server = instance(t, store, { catchUp: true })
  const issued = await cli.tokens.create({ role: 'commissioner', label: 'from the CLI' }, null)
  const principal = await server.tokens.authenticate(issued.token)
  t.match(principal, { tokenId: issued.id, role: 'commissioner', label: 'from the CLI' })
  t.ok(server.catchUps() <= 1, 'at most one catch-up for it')
  const before = server.catchUps()
  t.equal(await server.tokens.authenticate('glt_unknown'), null)
  t.equal(server.catchUps(), before + 1, 'an unknown token costs one catch-up, then is refused')
  await cli.tokens.revoke(issued.id, null)
  await server.runner.waitFor(await store.headPosition())
  t.equal(await server.tokens.authenticate(issued.token), null, 'a revocation by another process reaches this one')
})
