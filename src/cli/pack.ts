// gridledger pack --plan ID --quarter N [--pdf FILE]: the printable meeting pack of a quarter,
// as the HTML page (to stdout), or printed to PDF by headless Chromium.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { openGridLedger } from '../app/gridledger.js'
import type { Principal } from '../domain/actor.js'
import type { Config } from '../config.js'
import { isQuarterNumber } from '../projections/folds/quarterlyReport.js'
import { quarterlyPackHtml } from '../presentation/quarterlyPack.js'

type Out = (line: string) => void

export const PACK_USAGE = `  pack --plan ID --quarter N [--asof INSTANT] [--pdf FILE]
                                          the quarter's printable pack: HTML to stdout, or a PDF
                                          printed by headless Chromium (CHROMIUM_PATH, else chromium)`

const CLI_READER: Principal = { tokenId: null, role: 'admin', label: 'cli', owners: [] }
const PRINT_TIMEOUT_MS = 180_000

export async function packCommand(args: string[], config: Config, out: Out, err: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { plan: { type: 'string' }, quarter: { type: 'string' }, asof: { type: 'string' }, pdf: { type: 'string' } } })
  const quarter = Number(values.quarter)
  if (!values.plan || !isQuarterNumber(quarter)) {
    err(`pack needs --plan ID and --quarter 1 to 4\n\n${PACK_USAGE}`)
    return 2
  }
  const ledger = await openGridLedger({ store: config.GRIDLEDGER_STORE })
  let html: string
  try {
    const report = await ledger.plans.report(values.plan, CLI_READER, { quarter, asOf: values.asof })
    const plan = await ledger.plans.state(values.plan, CLI_READER, { asOf: report.asOf, effectiveOn: report.quarter.to })
    html = quarterlyPackHtml(report, plan.grids)
  } finally {
    await ledger.close()
  }
  if (values.pdf === undefined) {
    out(html)
    return 0
  }
  const file = resolve(values.pdf)
  try {
    await printToPdf(html, file)
  } catch (error) {
    err(`gridledger: could not print the pack with Chromium (${error instanceof Error ? error.message : String(error)}); without --pdf the pack is written as HTML`)
    return 1
  }
  out(`pack for plan ${values.plan}, quarter ${quarter}, written to ${file}`)
  return 0
}

/** Prints a self-contained page to PDF with headless Chromium (the page's own @page rules). */
async function printToPdf(html: string, file: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gridledger-pack-'))
  try {
    const page = join(dir, 'pack.html')
    await writeFile(page, html)
    const binary = process.env.CHROMIUM_PATH ?? 'chromium'
    const args = [
      '--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', '--disable-extensions', '--disable-background-networking',
      `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${file}`, pathToFileURL(page).href,
    ]
    await new Promise<void>((done, fail) => {
      execFile(binary, args, { timeout: PRINT_TIMEOUT_MS, env: { ...process.env, HOME: dir } }, error => (error ? fail(error) : done()))
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
