// npm run bench:prepare: everything a timed `npm run bench` would otherwise build first, built
// now (on a busy machine if need be) so the timed run only measures: every bench store in the
// store cache (storeCache.ts) and the emmett-sqlite peer's install (peerAppends.ts). Stores
// already in the cache under their current key are left as they are; `--rebuild-stores` builds
// them again. Prints what each store is and where it came from.
//
//   npm run bench:prepare
//   npm run bench:prepare -- --rebuild-stores
import { asOfStores } from './asOfRead.js'
import { exportStores } from './exportMemory.js'
import { historyStore } from './historyPage.js'
import { fmt, log } from './lib.js'
import { ensurePeerInstalled } from './peerAppends.js'
import { rebuildStore } from './rebuild.js'
import { cachedStore, storeCacheDir, type StoreSpec } from './storeCache.js'

const started = performance.now()
const asOf = asOfStores()
const exports = exportStores()
const specs: StoreSpec[] = [asOf.small, asOf.mixed, rebuildStore(), exports.small, historyStore(), exports.large, asOf.large]
const seen = new Set<string>()
const lines: string[] = []
let failed = false
for (const spec of specs) {
  if (seen.has(spec.name)) continue
  seen.add(spec.name)
  const t0 = performance.now()
  const store = await cachedStore(spec)
  lines.push(`${store.name}: ${fmt(store.events)} events, ${fmt(store.bytes / 2 ** 20)} MiB, ${store.fromCache ? 'already in the cache' : `built now in ${fmt((performance.now() - t0) / 1000, 1)} s`} (built ${store.builtAt}, key ${store.key})`)
}
log('peer: bench/peer (emmett-sqlite)')
const peer = ensurePeerInstalled()
if (peer) failed = true
lines.push(`peer: ${peer ?? 'installed (bench/peer/node_modules, kept in its cache)'}`)
log(`\nBench stores in ${storeCacheDir()}:\n${lines.map(l => `  ${l}`).join('\n')}\nready in ${fmt((performance.now() - started) / 1000)} s`)
if (failed) process.exit(1)
