// Deployment defaults: the server refuses a well-known placeholder admin token, and the
// development compose file neither publishes EventStoreDB beyond this machine nor supplies an
// admin token of its own.
import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { loadConfig } from '../../src/config.js'
import { CLI, childEnv, ROOT } from '../support/reliabilityServer.js'

const PLACEHOLDERS = [
  'change-me-to-a-long-random-secret',
  'CHANGE_ME_TO_A_LONG_RANDOM_SECRET',
  'changeme-changeme-changeme',
  'replace-me-with-a-real-secret',
  'your-secret-here-0123456789',
  'placeholder-admin-token-value',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  '1212121212121212121212',
]

t.test('loadConfig refuses a well-known placeholder or guessable admin token', async t => {
  for (const token of PLACEHOLDERS) {
    t.throws(() => loadConfig({ GRIDLEDGER_ADMIN_TOKEN: token }), /GRIDLEDGER_ADMIN_TOKEN/, token)
  }
  t.throws(() => loadConfig({ GRIDLEDGER_ADMIN_TOKEN: 'short' }), /at least 16/)
  const secret = 'q3V9xZ2mLk8wPa7RtY4nBc6dHf1sJg0e'
  t.equal(loadConfig({ GRIDLEDGER_ADMIN_TOKEN: secret }).GRIDLEDGER_ADMIN_TOKEN, secret, 'a random secret is accepted')
  t.equal(loadConfig({}).GRIDLEDGER_ADMIN_TOKEN, undefined, 'no admin token at all is allowed (CLI-minted tokens only)')
})

t.test('gridledger serve will not start with the compose file’s old placeholder', async t => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
    cwd: ROOT,
    env: childEnv({ PORT: '0', GRIDLEDGER_STORE: 'memory:', GRIDLEDGER_ADMIN_TOKEN: 'change-me-to-a-long-random-secret' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', c => (output += c))
  child.stderr!.on('data', c => (output += c))
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const code = await new Promise<number | null>(resolve => child.once('exit', c => resolve(c)))
  clearTimeout(timer)
  t.not(code, 0, 'exits with an error')
  t.match(output, /GRIDLEDGER_ADMIN_TOKEN/, 'naming the variable')
  t.match(output, /placeholder/, 'and why')
  t.notMatch(output, /listening/, 'never listened')
})

t.test('docker-compose.yml: EventStoreDB on 127.0.0.1 only, and no default admin token', async t => {
  const compose = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')
  const ports = [...compose.matchAll(/^\s*-\s*"?([^"\n]+)"?\s*$/gm)].map(m => m[1]).filter(p => /^\S*\d+:\d+$/.test(p))
  t.ok(ports.includes('127.0.0.1:2113:2113'), `EventStoreDB's port published on 127.0.0.1 (${ports.join(', ')})`)
  t.same(ports.filter(p => !p.startsWith('127.0.0.1:')), [], 'no port published on every interface')
  t.match(compose, /GRIDLEDGER_ADMIN_TOKEN: "\$\{GRIDLEDGER_ADMIN_TOKEN:\?[^}]+\}"/, 'compose asks for the admin token')
  t.notMatch(compose, /GRIDLEDGER_ADMIN_TOKEN:-/, 'and supplies no default')
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  t.match(readme, /EventStoreDB in production/, 'README gives the production variant')
  t.match(readme, /EVENTSTORE_INSECURE: "false"/)
  t.match(readme, /tls=true/)
})
