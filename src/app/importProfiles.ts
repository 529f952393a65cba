// Import profiles stored on the server: one JSON file per profile, NAME.json in a directory
// (GRIDLEDGER_IMPORT_PROFILES_DIR), chosen per import with ?profile=NAME. Files, not events: a
// profile is configuration an administrator keeps beside the deployment (and in version
// control), not part of any plan's history. Read at each import, so an edited file counts at once.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ValidationError } from '../domain/errors.js'
import { parseProfile, type ImportProfile } from '../import/index.js'

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/
/** Largest profile file read: a profile is a few lists of words. */
const MAX_PROFILE_BYTES = 256 * 1024

/** Reads and checks a profile file's text; a ValidationError names what is wrong, at `path`. */
export function profileFromJson(text: string, path: string): ImportProfile {
  if (text.length > MAX_PROFILE_BYTES) throw ValidationError.field(path, `the import profile is larger than ${MAX_PROFILE_BYTES / 1024} KiB`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw ValidationError.field(path, `the import profile is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  try {
    return parseProfile(value)
  } catch (error) {
    throw ValidationError.field(path, error instanceof Error ? error.message : String(error))
  }
}

export class ImportProfiles {
  constructor(private readonly dir: string | undefined) {}

  /** The names stored, sorted. */
  async names(): Promise<string[]> {
    if (!this.dir) return []
    const files = await readdir(this.dir).catch(() => [] as string[])
    return files.filter(f => f.endsWith('.json') && NAME.test(f.slice(0, -5))).map(f => f.slice(0, -5)).sort()
  }

  /** The stored profile NAME; a ValidationError (400) on `profile` when there is none such or it is invalid. */
  async load(name: string): Promise<ImportProfile> {
    if (!this.dir) throw ValidationError.field('profile', 'no import profiles are stored on this server (GRIDLEDGER_IMPORT_PROFILES_DIR is not set)')
    if (!NAME.test(name)) throw ValidationError.field('profile', 'must be a profile name: letters, digits, "-" and "_", at most 64')
    const text = await readFile(join(this.dir, `${name}.json`), 'utf8').catch(() => null)
    if (text === null) {
      const names = await this.names()
      throw ValidationError.field('profile', `no import profile "${name}" on this server; stored: ${names.length ? names.join(', ') : 'none'}`)
    }
    return profileFromJson(text, 'profile')
  }
}
