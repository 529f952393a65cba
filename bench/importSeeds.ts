// Import of the four seed documents (test/fixtures/*.txt) through the ImportService, as
// `gridledger import` and POST /v1/imports run it: a dry run (parse and preview) and a real
// import (parse, decide, one atomic durable append) on a SQLite store. Reports ms per document.
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { sqliteBackend } from '../src/app/backends.js'
import { assembleGridLedger } from '../src/app/gridledger.js'
import { openSqliteEventStore } from '../src/store/sqliteEventStore.js'
import { emitResult, fmt, isMain, log, median, ROOT, tempDir, type BenchResult } from './lib.js'
import { BENCH_PRINCIPAL } from './storeBuilder.js'

const REPEATS = 5

interface DocResult {
  document: string
  characters: number
  grids: number
  objectives: number
  actions: number
  events: number
  warnings: number
  dryRunMs: number
  importMs: number
}

async function run(): Promise<BenchResult> {
  const fixtures = join(ROOT, 'test/fixtures')
  const files = readdirSync(fixtures).filter(f => f.endsWith('.txt')).sort()
  const dir = tempDir('import')
  const store = openSqliteEventStore(join(dir.path, 'import.db'))
  const ledger = await assembleGridLedger(sqliteBackend(store), {})
  const docs: DocResult[] = []
  try {
    for (const f of files) {
      const text = readFileSync(join(fixtures, f), 'utf8')
      log(`import: ${f} (${fmt(text.length)} characters)`)
      const dry: number[] = []
      for (let i = 0; i < REPEATS + 1; i++) {
        const t0 = performance.now()
        await ledger.imports.import(text, BENCH_PRINCIPAL, { dryRun: true })
        if (i > 0) dry.push(performance.now() - t0) // the first run warms the parser up
      }
      const real: number[] = []
      let result = null
      let events = 0
      for (let i = 0; i < REPEATS; i++) {
        const before = await store.headPosition()
        const t0 = performance.now()
        // The first import records the document's plan; later ones are forced (a new plan each time).
        result = await ledger.imports.import(text, BENCH_PRINCIPAL, { force: i > 0 })
        real.push(performance.now() - t0)
        events = (await store.headPosition()) - before
      }
      docs.push({
        document: basename(f),
        characters: text.length,
        grids: result!.counts.grids,
        objectives: result!.counts.objectives,
        actions: result!.counts.actions,
        events,
        warnings: result!.warnings.length,
        dryRunMs: median(dry),
        importMs: median(real),
      })
    }
  } finally {
    await ledger.close()
    dir.remove()
  }
  const worst = Math.max(...docs.map(d => d.importMs))
  return {
    rows: [
      {
        measure: 'import of the four seed documents',
        baseline: '—',
        ours: docs.map(d => `${d.document.replace(/\.txt$/, '')} ${fmt(d.importMs, 1)} ms`).join('; '),
        ratio: null,
        goal: 'report ms per document',
        met: null,
        notes: [
          `Median of ${REPEATS} runs per document (dry runs after one warm-up), through ImportService on a SQLite store (the real import is one atomic durable append of the whole plan). Slowest real import: ${fmt(worst, 1)} ms.`,
          ...docs.map(
            d =>
              `${d.document}: ${fmt(d.characters)} characters → ${d.grids} grids, ${d.objectives} objectives, ${d.actions} actions, ${d.events} events, ${d.warnings} warnings; dry run ${fmt(d.dryRunMs, 1)} ms, import ${fmt(d.importMs, 1)} ms.`,
          ),
        ],
      },
    ],
    raw: docs,
  }
}

if (isMain(import.meta.url)) emitResult(await run())
