// TEST ONLY, UNSAFE: `gridledger serve` with its SQLite store's syncing broken on purpose, for the
// power-loss negative controls (they must lose acknowledged writes at a simulated power cut, or the
// fault layer is not testing anything). GRIDLEDGER_TEST_BROKEN_SYNC picks how:
//   no-sync              the durability mode 'unsafe-no-sync-for-tests' (synchronous=OFF, no fdatasync);
//   skip-wal-fdatasync   the default mode with the WAL's fdatasync answered at once without syncing
//                        (the "missing fdatasync" a SIGKILL test cannot see).
// Same composition as src/server.ts; only the store's syncing differs.
import pino from 'pino'
import { assembleGridLedger } from '../../src/app/gridledger.js'
import { loadConfig } from '../../src/config.js'
import { buildApp } from '../../src/http/app.js'
import { openSqliteEventStore, type SqliteEventStoreOptions } from '../../src/store/sqliteEventStore.js'
import { packageVersion } from '../../src/version.js'

const BROKEN: Record<string, SqliteEventStoreOptions> = {
  'no-sync': { durability: 'unsafe-no-sync-for-tests' },
  'skip-wal-fdatasync': { durability: 'wal-fsync', syncFile: (_fd, callback) => setImmediate(() => callback(null)) },
}
const broken = process.env.GRIDLEDGER_TEST_BROKEN_SYNC ?? ''
if (!(broken in BROKEN)) throw new Error(`GRIDLEDGER_TEST_BROKEN_SYNC must be one of ${Object.keys(BROKEN).join(', ')}`)
const config = loadConfig()
if (!config.GRIDLEDGER_STORE.startsWith('sqlite:')) throw new Error('the broken-sync test server runs on a sqlite: store only')
const logger = pino({ level: config.LOG_LEVEL })
const store = openSqliteEventStore(config.GRIDLEDGER_STORE.slice('sqlite:'.length), BROKEN[broken])
const ledger = await assembleGridLedger(store, { adminToken: config.GRIDLEDGER_ADMIN_TOKEN })
const app = await buildApp(ledger, { logger, rateLimit: config.GRIDLEDGER_RATE_LIMIT, version: packageVersion() })
await app.listen({ port: config.PORT, host: config.HOST })
const address = app.server.address()
logger.info({ port: typeof address === 'object' && address ? address.port : config.PORT, brokenSync: broken }, 'gridledger listening')
