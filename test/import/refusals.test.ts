// Every way the importer refuses a document, each said so a person can act on it: what was
// missing and the import profile setting that would help (its key and a value, the document's
// own word where it shows one), in the parser's result, in POST /v1/imports' problem+json and in
// the CLI's output. Where a suggestion is made, following it makes the document import; where
// no profile can help (an empty or binary file), the refusal says so and what would help instead.
import t, { type Test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePlanDocument, type ImportProfile } from '../../src/import/index.js'
import { parseDocx } from '../../src/import/docx/parseDocx.js'
import { profileJson } from '../../src/import/refusals.js'
import { DOCX_MEDIA_TYPE } from '../../src/import/docx/index.js'
import { startHarness } from '../support/harness.js'
import { runMain } from '../support/cli.js'
import { documentXml, makeDocx, para } from './docx/support/docx.js'

const dir = mkdtempSync(join(tmpdir(), 'gl-refusals-'))
const saved = process.env.GRIDLEDGER_STORE
process.env.GRIDLEDGER_STORE = `sqlite:${join(dir, 'cli.db')}`
t.teardown(() => {
  if (saved === undefined) delete process.env.GRIDLEDGER_STORE
  else process.env.GRIDLEDGER_STORE = saved
})

const row = (cells: string[]) => `<w:tr>${cells.map(c => `<w:tc>${para(c)}</w:tc>`).join('')}</w:tr>`
const table = (rows: string[][]) => `<w:tbl>${rows.map(row).join('')}</w:tbl>`

interface RefusalPath {
  name: string
  document: string | Buffer | (() => Promise<Buffer>)
  /** What the refusal must name as missing. */
  missing: RegExp
  /** The profile settings it must suggest (one per problem); null where no profile can help (the refusal must say so). */
  suggests: ImportProfile[] | null
  /** Whether following the suggestion makes the document import. */
  suggestionImports?: boolean
}

const THEMES = ['Northmoor Drug Action Team', 'Treatment Plan 2011/12', '', 'Theme 1: Young people', 'Objective 1: Earlier help', 'Action\tLead\tTimescale', 'Place a worker in each school\tCompass\tSeptember 2011', '', 'Theme 2: Adult treatment', 'Objective 1: More people leaving treatment', 'Action\tLead\tTimescale', 'Re-commission the day programme\tDAT Commissioning Manager\tMarch 2012', '']

const PATHS: RefusalPath[] = [
  {
    name: 'an empty text (whitespace only)',
    document: ' \n\n\t\n',
    missing: /the document is empty: it has no text, so neither a grid heading nor a plan year/,
    suggests: null,
  },
  {
    name: 'a binary file sent as text (NUL bytes)',
    document: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0, 0x41, 0x42]),
    missing: /binary file, not the text of a plan/,
    suggests: null,
  },
  {
    name: 'fast refusal: grids headed by a word the profile lacks ("Theme 1: …")',
    document: THEMES.join('\n'),
    missing: /no recognisable planning grid: no line is a heading .* under the import profile's grid words \("planning grid", .*"section"\); lines such as "Theme 1: Young people", "Theme 2: Adult treatment" look like grid headings under the word "theme"/,
    suggests: [{ headings: { grid: ['theme'] } }],
    suggestionImports: true,
  },
  {
    name: 'fast refusal: neither a heading nor a year anywhere',
    document: 'The quick brown fox jumps over the lazy dog.\n'.repeat(20),
    missing: /no recognisable planning grid: .*if this document heads its grids with another word, name it.*; no plan year: .*the document names none anywhere/,
    suggests: [{ headings: { grid: ['theme'] } }, { header: { title: ['plan year'] } }],
  },
  {
    name: 'no grid heading after the full read (the word "section" in prose passes the fast scan)',
    document: [...THEMES.slice(0, 3), 'This section of the plan sets out what we will do.', ...THEMES.slice(3)].join('\n'),
    missing: /no recognisable planning grid: .*look like grid headings under the word "theme"/,
    suggests: [{ headings: { grid: ['theme'] } }],
    suggestionImports: true,
  },
  {
    name: 'no plan year: the header gives it under a label the profile does not know (a two-cell row)',
    document: ['Northmoor DAT', 'Treatment plan', '| Plan year | 2011/12 |', '', 'Grid 1: Adult treatment', 'Objective 1: Fewer deaths', 'Action\tLead\tTimescale', 'Train hostel staff in naloxone\tCompass\tJune 2011'].join('\n'),
    missing: /no plan year: the header names no financial year .*; the line "Plan year \| 2011\/12" gives one under the label "plan year", which the profile does not know/,
    suggests: [{ header: { title: ['plan year'] } }],
    suggestionImports: true,
  },
  {
    name: 'no plan year: the first year comes after the first grid heading',
    document: ['Northmoor DAT', 'Treatment plan', '', 'Grid 1: Adult treatment', 'Objective 1: Fewer deaths by 2011/12', 'Action\tLead\tTimescale', 'Train hostel staff in naloxone\tCompass\tJune 2011'].join('\n'),
    missing: /no plan year: .*the first year the document names \("Objective 1: Fewer deaths by 2011\/12"\) comes after the first grid heading/,
    suggests: [{ header: { title: ['plan year'] } }],
  },
  {
    name: 'a Word document whose grids are headed by a word the profile lacks',
    document: () => makeDocx({ 'word/document.xml': documentXml(para('Northmoor DAT') + para('Treatment Plan 2011/12') + para('Theme 1: Young people') + table([['Action', 'Lead'], ['Place a worker in each school', 'Compass']]) + para('Theme 2: Adults') + table([['Action', 'Lead'], ['Re-commission the day programme', 'DAT']])) }),
    missing: /no recognisable planning grid: .*lines such as "Theme 1: Young people", "Theme 2: Adults" look like grid headings under the word "theme"/,
    suggests: [{ headings: { grid: ['theme'] } }],
    suggestionImports: true,
  },
  {
    name: 'a Word document whose header gives the year in a table the profile has no label for',
    document: () => makeDocx({ 'word/document.xml': documentXml(para('Northmoor DAT') + table([['Period covered', '2011/12'], ['Author', 'DAT team']]) + para('Planning grid 1: Young people') + table([['Action', 'Lead'], ['Place a worker in each school', 'Compass']])) }),
    missing: /no plan year: .*the line "Period covered \| 2011\/12" gives one under the label "period covered"/,
    suggests: [{ header: { title: ['period covered'] } }],
    suggestionImports: true,
  },
  {
    name: 'a Word document with no text at all',
    document: () => makeDocx({ 'word/document.xml': documentXml('<w:p/><w:p/>') }),
    missing: /the document is empty: it has no text/,
    suggests: null,
  },
]

/** Every suggested setting in one profile, as the refusal's `suggestedProfile` holds them. */
function suggested(path: RefusalPath): ImportProfile | undefined {
  return path.suggests ? Object.assign({}, ...path.suggests) : undefined
}

const isWord = (d: string | Buffer) => Buffer.isBuffer(d) && d.subarray(0, 2).toString('latin1') === 'PK'

async function parse(document: string | Buffer, profile?: ImportProfile) {
  if (isWord(document)) return parseDocx(document as Buffer, undefined, profile)
  return parsePlanDocument(Buffer.isBuffer(document) ? document.toString('utf8') : document, { profile })
}

/** The refusal names what was missing and the setting (key and value, as JSON a person can paste), or says no profile can help. */
function checkReason(t: Test, reason: string, path: RefusalPath): void {
  t.match(reason, path.missing, 'names what was missing')
  if (path.suggests) {
    for (const setting of path.suggests) t.ok(reason.includes(profileJson(setting)), `suggests ${profileJson(setting)}`)
  } else t.match(reason, /no import profile setting can help: send /, 'says no profile can help, and what would')
}

for (const path of PATHS) {
  t.test(`refused: ${path.name}`, async t => {
    const document = typeof path.document === 'function' ? await path.document() : path.document
    const result = await parse(document)
    t.notOk(result.ok, 'refused')
    if (result.ok) return
    checkReason(t, result.reason, path)
    t.same(result.suggestedProfile, suggested(path), 'the suggested profile, as data')
    if (path.suggestionImports) {
      const again = await parse(document, suggested(path))
      t.ok(again.ok, `with the suggested profile it imports${again.ok ? '' : `: ${again.reason}`}`)
    }

    // POST /v1/imports: 400 problem+json with the reason as its detail and first error.
    const h = await startHarness()
    t.teardown(() => h.close())
    const word = isWord(document)
    const response = await h.request({ method: 'POST', url: '/v1/imports', payload: document, headers: { 'content-type': word ? DOCX_MEDIA_TYPE : 'text/plain; charset=utf-8' } })
    t.equal(response.statusCode, 400)
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    const problem = response.json()
    t.equal(problem.errors[0].path, 'body')
    checkReason(t, problem.errors[0].message, path)
    checkReason(t, problem.detail, path)

    // The CLI: exit 1, the reason on stderr; with the suggested profile as a file, it imports.
    const file = join(dir, `${path.name.replace(/\W+/g, '-')}${word ? '.docx' : '.txt'}`)
    writeFileSync(file, document)
    const cli = await runMain('import', file)
    t.equal(cli.code, 1, 'the CLI exits 1')
    t.match(cli.err, /^gridledger: body: /m)
    checkReason(t, cli.err, path)
    if (path.suggestionImports) {
      const profileFile = join(dir, 'suggested.json')
      writeFileSync(profileFile, JSON.stringify(suggested(path)))
      const followed = await runMain('import', file, '--dry-run', '--profile', profileFile)
      t.equal(followed.code, 0, `the CLI imports with the suggested profile: ${followed.err}`)
    }
  })
}
