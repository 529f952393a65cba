// The feed's bounds come from the environment (README "Configuration"), with the route's defaults.
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { DEFAULT_FEED_OPTIONS } from '../../src/http/routes/api/feed/index.js'

t.test('GRIDLEDGER_FEED_* default to the feed route defaults and are validated', async t => {
  const defaults = loadConfig({})
  t.same(
    [defaults.GRIDLEDGER_FEED_HEARTBEAT_MS, defaults.GRIDLEDGER_FEED_BUFFER_BYTES, defaults.GRIDLEDGER_FEED_STALL_MS, defaults.GRIDLEDGER_FEED_MAX_CONNECTION_MS],
    [DEFAULT_FEED_OPTIONS.heartbeatMs, DEFAULT_FEED_OPTIONS.maxBufferBytes, DEFAULT_FEED_OPTIONS.stallMs, DEFAULT_FEED_OPTIONS.maxConnectionMs],
  )
  const set = loadConfig({ GRIDLEDGER_FEED_HEARTBEAT_MS: '5000', GRIDLEDGER_FEED_BUFFER_BYTES: '65536', GRIDLEDGER_FEED_STALL_MS: '2000', GRIDLEDGER_FEED_MAX_CONNECTION_MS: '60000' })
  t.same([set.GRIDLEDGER_FEED_HEARTBEAT_MS, set.GRIDLEDGER_FEED_BUFFER_BYTES, set.GRIDLEDGER_FEED_STALL_MS, set.GRIDLEDGER_FEED_MAX_CONNECTION_MS], [5000, 65536, 2000, 60000])
  t.throws(() => loadConfig({ GRIDLEDGER_FEED_HEARTBEAT_MS: '0' }), /GRIDLEDGER_FEED_HEARTBEAT_MS/)
  t.throws(() => loadConfig({ GRIDLEDGER_FEED_BUFFER_BYTES: 'lots' }), /GRIDLEDGER_FEED_BUFFER_BYTES/)
})
