// The provider client's types, generated from a running server's /openapi.json with
// openapi-typescript, as a provider's developer would. The output is committed (openapi.d.ts) so
// the journey is type-checked by `npm run typecheck`; test/client/types.test.ts fails when it is
// not what the served document generates now. Regenerate with `npm run client:types`.
//   node --import tsx test/client/generateTypes.ts [http://host:port]   (default: a server started here)
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript'

export const TYPES_FILE = fileURLToPath(new URL('./openapi.d.ts', import.meta.url))

/** The TypeScript declarations openapi-typescript makes of an OpenAPI document. */
export async function clientTypes(document: unknown): Promise<string> {
  return COMMENT_HEADER + astToString(await openapiTS(document as OpenAPI3, { silent: true }))
}

/** The document a listening server serves. */
export async function servedDocument(baseUrl: string): Promise<unknown> {
  const response = await fetch(new URL('/openapi.json', baseUrl))
  if (!response.ok) throw new Error(`GET /openapi.json: ${response.status}`)
  return response.json()
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const given = process.argv[2]
  let stop = async () => {}
  let baseUrl = given
  if (!baseUrl) {
    const { startHarness } = await import('../support/harness.js')
    const h = await startHarness()
    baseUrl = await h.app.listen({ port: 0, host: '127.0.0.1' })
    stop = () => h.close()
  }
  try {
    writeFileSync(TYPES_FILE, await clientTypes(await servedDocument(baseUrl)))
    console.log(`wrote ${TYPES_FILE} from ${baseUrl}/openapi.json`)
  } finally {
    await stop()
  }
}
