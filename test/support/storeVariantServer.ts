// TEST ONLY: `gridledger serve` with its SQLite store opened with options configuration cannot set,
// for the power-loss trials. GRIDLEDGER_TEST_STORE_VARIANT picks them:
//   small-checkpoints    the default durability with a WAL checkpoint every 32 pages instead of 4000,
//                        so the trials cut the power around checkpoints and WAL restarts too;
//   no-sync              UNSAFE: the durability mode 'unsafe-no-sync-for-tests' (synchronous=OFF, no fdatasync);
//   skip-wal-fdatasync   UNSAFE: the default mode with the WAL's fdatasync answered at once without
//                        syncing (the "missing fdatasync" a SIGKILL test cannot see).
// The two unsafe ones are the negative controls: they must lose acknowledged writes at a simulated
// power cut, or the fault layer is not testing anything. Same composition as src/server.ts.
import pino from 'pino'
import { sqliteBackend } from '../../src/app/backends.js'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { loadConfig } from '../../src/config.js'
import { buildApp } from '../../src/http/app.js'
import { openSqliteEventStore, type SqliteEventStoreOptions } from '../../src/store/sqliteEventStore.js'
import { packageVersion } from '../../src/version.js'

const STORE_VARIANTS: Record<string, SqliteEventStoreOptions> = {
  'small-checkpoints': { checkpointPages: 32 },
  'no-sync': { durability: 'unsafe-no-sync-for-tests' },
  'skip-wal-fdatasync': { durability: 'wal-fsync', syncFile: (_fd, callback) => setImmediate(() => callback(null)) },
}
const variant = process.env.GRIDLEDGER_TEST_STORE_VARIANT ?? ''
if (!(variant in STORE_VARIANTS)) throw new Error(`GRIDLEDGER_TEST_STORE_VARIANT must be one of ${Object.keys(STORE_VARIANTS).join(', ')}`)
const config = loadConfig()
if (!config.GRIDLEDGER_STORE.startsWith('sqlite:')) throw new Error('the store-variant test server runs on a sqlite: store only')
const logger = pino({ level: config.LOG_LEVEL })
const store = openSqliteEventStore(config.GRIDLEDGER_STORE.slice('sqlite:'.length), STORE_VARIANTS[variant])
const ledger = await assembleGridLedger(sqliteBackend(store), { adminToken: config.GRIDLEDGER_ADMIN_TOKEN })
const app = await buildApp(ledger, { logger, rateLimit: config.GRIDLEDGER_RATE_LIMIT, version: packageVersion() })
await app.listen({ port: config.PORT, host: config.HOST })
const address = app.server.address()
logger.info({ port: typeof address === 'object' && address ? address.port : config.PORT, storeVariant: variant }, 'gridledger listening')
