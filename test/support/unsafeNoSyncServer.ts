// TEST ONLY, UNSAFE: `gridledger serve` with its SQLite store opened in the durability mode
// 'unsafe-no-sync-for-tests' (no fsync at all), for the power-loss negative control: it must
// lose acknowledged writes on a simulated power cut, or the fault layer is not testing anything.
// Same composition as src/server.ts; only the store's durability differs.
import pino from 'pino'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { loadConfig } from '../../src/config.js'
import { buildApp } from '../../src/http/app.js'
import { openSqliteEventStore } from '../../src/store/sqliteEventStore.js'
import { packageVersion } from '../../src/version.js'

const config = loadConfig()
if (!config.GRIDLEDGER_STORE.startsWith('sqlite:')) throw new Error('the unsafe no-sync test server runs on a sqlite: store only')
const logger = pino({ level: config.LOG_LEVEL })
const store = openSqliteEventStore(config.GRIDLEDGER_STORE.slice('sqlite:'.length), { durability: 'unsafe-no-sync-for-tests' })
const ledger = await assembleGridLedger(store, { adminToken: config.GRIDLEDGER_ADMIN_TOKEN })
const app = await buildApp(ledger, { logger, rateLimit: config.GRIDLEDGER_RATE_LIMIT, version: packageVersion() })
await app.listen({ port: config.PORT, host: config.HOST })
const address = app.server.address()
logger.info({ port: typeof address === 'object' && address ? address.port : config.PORT, durability: 'unsafe-no-sync-for-tests' }, 'gridledger listening')
