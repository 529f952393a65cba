// The committed client types (openapi.d.ts) are what openapi-typescript makes of the document a
// running server serves now, and the journey written against them stops compiling when the
// document drifts under it (`npm run typecheck` type-checks the journey with the committed types).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import { startHarness } from '../support/harness.js'
import { clientTypes, servedDocument, TYPES_FILE } from './generateTypes.js'

const JOURNEY = fileURLToPath(new URL('./journey.ts', import.meta.url))
type Json = Record<string, any>

/** tsc's errors in the journey, type-checked against `types` in place of openapi.d.ts. */
function journeyErrors(types: string, oldProgram?: ts.Program): { errors: string[]; program: ts.Program } {
  const configPath = ts.findConfigFile(JOURNEY, ts.sys.fileExists)!
  const { options } = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, fileURLToPath(new URL('../..', import.meta.url)))
  const host = ts.createCompilerHost({ ...options, noEmit: true })
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (file, language, ...rest) => (file === TYPES_FILE ? ts.createSourceFile(file, types, language) : getSourceFile(file, language, ...rest))
  const program = ts.createProgram({ rootNames: [JOURNEY], options: { ...options, noEmit: true }, host, oldProgram })
  const errors = ts
    .getPreEmitDiagnostics(program)
    .map(d => `${d.file ? `${d.file.fileName.split('/').pop()}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
  return { errors, program }
}

t.test('openapi.d.ts is what the served /openapi.json generates (regenerate: npm run client:types)', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const generated = await clientTypes(await servedDocument(base))
  t.ok(generated === readFileSync(TYPES_FILE, 'utf8'), 'test/client/openapi.d.ts is up to date with the document (after changing the document: npm run client:types, and commit it)')
})

t.test('a drift in the document that breaks the client fails type-checking the journey', async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const base = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const document = (await servedDocument(base)) as Json

  const clean = journeyErrors(await clientTypes(document))
  t.same(clean.errors, [], 'the journey compiles against the served document')

  // The plan's grids renamed: a provider's code breaks.
  const drifted = structuredClone(document)
  const plan = drifted.components.schemas.PlanState
  plan.properties.gridList = plan.properties.grids
  delete plan.properties.grids
  plan.required = plan.required.map((name: string) => (name === 'grids' ? 'gridList' : name))
  // …and the feed's Last-Event-ID header no longer documented.
  const feed = drifted.paths['/v1/feed'].get
  feed.parameters = feed.parameters.filter((p: Json) => p.name?.toLowerCase() !== 'last-event-id')
  const broken = journeyErrors(await clientTypes(drifted), clean.program)
  t.match(broken.errors.join('\n'), /journey\.ts:\d+ Property 'grids' does not exist/, 'the plan state')
  t.match(broken.errors.join('\n'), /last-event-id/, 'the feed header')
  t.ok(broken.errors.length >= 2, broken.errors.join('\n'))
})
