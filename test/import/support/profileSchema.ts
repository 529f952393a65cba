// The JSON Schema of an import profile, published as docs/import-profile.schema.json so that an
// editor can check a profile file as it is written. Made from the zod schema the importer
// validates profiles with (src/import/profiles/schema.ts); test/import/profileSchema.test.ts
// fails when the published file is not what the schema makes now. Regenerate with
// `npm run profile:schema`.
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { z } from 'zod'
import { ImportProfileSchema } from '../../../src/import/profiles/schema.js'

export const SCHEMA_FILE = fileURLToPath(new URL('../../../docs/import-profile.schema.json', import.meta.url))

/** The published file's text: the JSON Schema (draft 2020-12) of a profile. */
export function profileJsonSchema(): string {
  return `${JSON.stringify({ title: 'gridledger import profile', ...z.toJSONSchema(ImportProfileSchema) }, null, 2)}\n`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(SCHEMA_FILE, profileJsonSchema())
  console.log(`wrote ${SCHEMA_FILE}`)
}
