// The published JSON Schema of an import profile (docs/import-profile.schema.json) is what the
// importer's own schema makes now, and accepts and refuses what the importer does.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { parseProfile } from '../../src/import/index.js'
import { DEFAULT_PROFILE } from '../../src/import/profiles/default.js'
import { profileJsonSchema, SCHEMA_FILE } from './support/profileSchema.js'

t.test('docs/import-profile.schema.json is current', async t => {
  t.equal(readFileSync(SCHEMA_FILE, 'utf8'), profileJsonSchema(), 'stale: run `npm run profile:schema` and commit docs/import-profile.schema.json')
})

t.test('the published schema accepts what the importer accepts and refuses what it refuses', async t => {
  const validate = new Ajv2020({ strict: false }).compile(JSON.parse(profileJsonSchema()))
  const accepted = [
    DEFAULT_PROFILE,
    { name: 'riverside', headings: { grid: ['theme'], numberWords: { un: 1 } }, rag: { green: ['complete'] }, sections: { progress: ['monitoring$'] } },
    { $schema: 'https://example.org/import-profile.schema.json', headings: { objective: ['commitment'] } },
    {},
  ]
  for (const profile of accepted) {
    t.ok(validate(profile), JSON.stringify(validate.errors))
    t.doesNotThrow(() => parseProfile(profile))
  }
  const refused = [{ headings: { grid: 'theme' } }, { colour: 'blue' }, { sections: { spending: ['x'] } }, { headings: { numberWords: { one: 'one' } } }, { rag: { red: [''] } }]
  for (const profile of refused) {
    t.notOk(validate(profile), `the schema refuses ${JSON.stringify(profile)}`)
    t.throws(() => parseProfile(profile), /invalid import profile/, `the importer refuses ${JSON.stringify(profile)}`)
  }
})
