// The layer rules of docs/ARCHITECTURE.md, checked with dependency-cruiser against the rules in
// .dependency-cruiser.cjs: the source tree has no violation, and each rule does catch the import
// it forbids (shown on a small tree made for the purpose).
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
const CONFIG = join(ROOT, '.dependency-cruiser.cjs')

interface Violation {
  from: string
  to: string
  rule: { name: string }
}

async function cruise(cwd: string): Promise<Violation[]> {
  const run = await promisify(execFile)(process.execPath, [CLI, 'src', '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      // dependency-cruiser exits non-zero when it finds violations; its JSON is still on stdout.
      if (error.stdout) return { stdout: error.stdout }
      throw new Error(`dependency-cruiser failed: ${error.stderr ?? String(error)}`)
    },
  )
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[] } }
  return result.summary.violations
}

t.test('the source tree keeps the layer rules', async t => {
  const violations = await cruise(ROOT)
  t.same(violations.map(v => `${v.rule.name}: ${v.from} → ${v.to}`), [], 'no violations')
})

t.test('each rule catches what it forbids', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-layers-'))
  const files: Record<string, string> = {
    'src/domain/rule.ts': `import { handler } from '../app/handler.js'\nimport { z } from 'zod'\nexport const rule = [handler, z]\n`,
    'src/app/handler.ts': `export const handler = 1\n`,
    'src/store/adapter.ts': `import { handler } from '../app/handler.js'\nexport const adapter = handler\n`,
    'src/http/route.ts': `import { adapter } from '../store/adapter.js'\nimport { a } from './a.js'\nexport const route = [adapter, a]\n`,
    'src/http/a.ts': `import { route } from './route.js'\nexport const a = () => route\n`,
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src/**/*.ts'] }),
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  const found = new Set((await cruise(dir)).map(v => `${v.rule.name}: ${v.from} → ${v.to}`))
  for (const expected of [
    'domain-is-self-contained: src/domain/rule.ts → src/app/handler.ts',
    'domain-imports-no-framework: src/domain/rule.ts → zod',
    'lower-layers-do-not-import-app-or-http: src/store/adapter.ts → src/app/handler.ts',
    'http-does-not-import-the-store: src/http/route.ts → src/store/adapter.ts',
  ]) t.ok(found.has(expected), expected)
  t.ok([...found].some(v => v.startsWith('no-circular:')), 'no-circular: src/http/route.ts ⇄ src/http/a.ts')
})
