#!/usr/bin/env node
// The gridledger command line: serve, import, token, rebuild, verify.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import type { Principal, Role } from '../domain/actor.js'
import { openGridLedger, rebuildReadModelsAt } from '../app/gridledger.js'
import { profileFromJson } from '../app/importProfiles.js'
import { ROLES } from '../domain/roles.js'
import { DomainError } from '../domain/errors.js'
import { backupCommand, BACKUP_USAGE } from './backup.js'
import { packCommand, PACK_USAGE } from './pack.js'
import { restoreCommand, RESTORE_USAGE } from './restore.js'
import { verifyFile } from './verifyFile.js'
import { loadConfig } from '../config.js'
import { looksLikeZip } from '../import/docx/index.js'
import { serve } from '../server.js'

const CLI_PRINCIPAL: Principal = { tokenId: null, role: 'admin', label: 'cli', owners: [] }

const USAGE = `gridledger <command>

  serve                                   serve the API (PORT, HOST, GRIDLEDGER_STORE, …)
  import <file> [--dry-run] [--json] [--force] [--profile P]
                                          import a plan document (its text, or FILE.docx)
  token create --role R [--owner LABEL]… [--partnership NAME]… [--label TEXT]
                                          mint a bearer token (printed once)
  token revoke <tokenId>                  revoke a token
  rebuild                                 drop and rebuild every read model from the events
  verify [--plan ID] [--json]             check every plan's hash chain
  verify --file EXPORT.ndjson [--key PUBLIC_KEY] [--head SIGNED_HEAD.json]… [--json]
                                          check a plan's export file offline (no server, no store)
${BACKUP_USAGE}
${RESTORE_USAGE}
${PACK_USAGE}

The store is GRIDLEDGER_STORE (default sqlite:./data/gridledger.db).`

type Out = (line: string) => void

export async function main(argv: string[], out: Out = l => process.stdout.write(l + '\n'), err: Out = l => process.stderr.write(l + '\n')): Promise<number> {
  try {
    return await dispatch(argv, out, err)
  } catch (error) {
    // A refused command (bad input, unknown plan, conflict) is the user's to fix: say why, no stack; exit 1
    // as any failed command does (2 is kept for usage errors).
    if (!(error instanceof DomainError)) throw error
    err(`gridledger: ${error.message}`)
    return 1
  }
}

async function dispatch(argv: string[], out: Out, err: Out): Promise<number> {
  const [command, ...rest] = argv
  const config = loadConfig()
  switch (command) {
    case 'serve': {
      await serve(config)
      return -1 // keep running
    }
    case 'import': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, force: { type: 'boolean' }, profile: { type: 'string' } } })
      if (positionals.length !== 1) return usage(err, 'import takes one file')
      // --profile: a profile's JSON file, or the name of one stored in GRIDLEDGER_IMPORT_PROFILES_DIR.
      const profileText = values.profile === undefined ? null : await readFile(values.profile, 'utf8').catch(() => null)
      const bytes = await readFile(positionals[0])
      // A Word document is the zip itself; anything else is the plan's text.
      const word = /\.docx$/i.test(positionals[0]) || looksLikeZip(bytes)
      // A dry run reads only, so it may not create a store.
      const ledger = await openGridLedger({ store: config.GRIDLEDGER_STORE, createStore: !values['dry-run'], onStoreCreated: location => err(`no store at ${location}: created a new, empty one`), importBudgetMs: config.GRIDLEDGER_IMPORT_BUDGET_MS, importProfilesDir: config.GRIDLEDGER_IMPORT_PROFILES_DIR })
      try {
        if (process.stderr.isTTY && !values.json) err(`importing ${positionals[0]} (${bytes.length} bytes${word ? ', a Word document' : ''})…`)
        const profile = profileText === null ? {} : { profile: profileFromJson(profileText, values.profile!) }
        const options = { dryRun: values['dry-run'], force: values.force, ...profile, ...(profileText === null && values.profile !== undefined ? { profileName: values.profile } : {}) }
        const result = word ? await ledger.imports.importDocx(bytes, CLI_PRINCIPAL, options) : await ledger.imports.import(bytes.toString('utf8'), CLI_PRINCIPAL, options)
        if (values.json) out(JSON.stringify(result, null, 2))
        else {
          out(`${values['dry-run'] ? 'would import' : 'imported'} plan ${result.planId}: ${result.counts.grids} grids, ${result.counts.objectives} objectives, ${result.counts.actions} actions`)
          for (const w of result.warnings) out(`warning: ${w}`)
          // A dry run says why each element was read as it was.
          for (const r of result.recognised ?? []) out(`recognised: ${r.at}: ${r.element}: ${r.rule}`)
        }
        return 0
      } finally {
        await ledger.close()
      }
    }
    case 'token': {
      const [sub, ...args] = rest
      const ledger = await openGridLedger({ store: config.GRIDLEDGER_STORE })
      try {
        if (sub === 'create') {
          const { values } = parseArgs({ args, options: { role: { type: 'string' }, owner: { type: 'string', multiple: true }, partnership: { type: 'string', multiple: true }, label: { type: 'string' } } })
          if (!values.role || !ROLES.includes(values.role as Role)) return usage(err, `--role must be one of ${ROLES.join(', ')}`)
          const issued = await ledger.tokens.create({ role: values.role, owners: values.owner, partnerships: values.partnership, label: values.label }, null)
          out(JSON.stringify(issued, null, 2))
          return 0
        }
        if (sub === 'revoke' && args.length === 1) {
          await ledger.tokens.revoke(args[0], null)
          out(`revoked ${args[0]}`)
          return 0
        }
        return usage(err, 'token create|revoke')
      } finally {
        await ledger.close()
      }
    }
    case 'rebuild': {
      const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: 'rebuild [{bar}] {value}/{total} events' }, cliProgress.Presets.shades_classic) : null
      let started = false
      const t0 = Date.now()
      try {
        await rebuildReadModelsAt(config.GRIDLEDGER_STORE, (done, total) => {
          if (bar && !started) {
            bar.start(total, 0)
            started = true
          }
          bar?.update(done)
        })
      } finally {
        bar?.stop()
      }
      out(`read models rebuilt in ${Date.now() - t0} ms`)
      return 0
    }
    case 'verify': {
      const { values } = parseArgs({ args: rest, options: { plan: { type: 'string' }, json: { type: 'boolean' }, file: { type: 'string' }, key: { type: 'string' }, head: { type: 'string', multiple: true } } })
      if (values.file !== undefined) return verifyFile(values.file, { json: values.json, key: values.key, heads: values.head }, out, err)
      const ledger = await openGridLedger({ store: config.GRIDLEDGER_STORE })
      try {
        const ids = values.plan ? [values.plan] : (await ledger.plans.list(CLI_PRINCIPAL)).map(p => p.id)
        let bad = 0
        const verdicts = []
        for (const id of ids) {
          const verdict = await ledger.plans.integrity(id)
          verdicts.push({ planId: id, ...verdict })
          if (!verdict.ok) bad++
          if (!values.json) out(verdict.ok ? `ok   plan ${id}: ${verdict.events} events` : `FAIL plan ${id}: position ${verdict.firstBadPosition}: ${verdict.detail}`)
        }
        if (values.json) out(JSON.stringify(verdicts, null, 2))
        else out(`${ids.length - bad} of ${ids.length} plans verified`)
        return bad ? 1 : 0
      } finally {
        await ledger.close()
      }
    }
    case 'backup':
      return backupCommand(rest, config, out, err)
    case 'restore':
      return restoreCommand(rest, config, out, err)
    case 'pack':
      return packCommand(rest, config, out, err)
    case undefined:
    case 'help':
    case '--help':
      out(USAGE)
      return 0
    default:
      return usage(err, `unknown command ${command}`)
  }
}

function usage(err: Out, message: string): number {
  err(`${message}\n\n${USAGE}`)
  return 2
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href
if (invokedDirectly || process.env.GRIDLEDGER_CLI === '1') {
  main(process.argv.slice(2)).then(
    code => {
      if (code >= 0) process.exitCode = code
    },
    error => {
      process.stderr.write(`gridledger: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    },
  )
}
