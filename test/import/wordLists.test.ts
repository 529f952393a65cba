// The importer's code holds no list of words: the words plans use for their structure are the
// built-in import profile's (src/import/profiles/default.ts), which a user's profile extends.
// This scans src/import's sources (TypeScript's parser, no type checking) for word lists
// outside that file: arrays of three or more words, regexes (literals, or strings given to
// `new RegExp`) spelling three or more words, and maps of three or more words to numbers.
// Arrays checked by the compiler against the code's own names (under `as`, `satisfies`, a type
// annotation other than string, or a call's type argument) are names, not words of plans.
import t from 'tap'
import ts from 'typescript'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
const DEFAULTS = 'src/import/profiles/default.ts'

/** Word lists that are not structure, each with its reason. `text` is part of the flagged source. */
const ALLOWED: Array<{ file: string; text: string; why: string }> = [
  { file: 'src/import/publishedDate.ts', text: '', why: 'date parsing (luxon formats, ordinal suffixes, "Sept"): dates, not structure' },
  { file: 'src/import/actions.ts', text: 'jan|feb|mar', why: 'month names: date parsing, not structure' },
  { file: 'src/import/normaliseText.ts', text: 'p|li|br|div', why: 'HTML element names: markup, not words' },
  { file: 'src/import/tables.ts', text: 'p|li|br|div', why: 'HTML element names: markup, not words' },
  { file: 'src/import/docx/zipParts.ts', text: 'too many bytes', why: "the zip library's error messages, not a document's words" },
  { file: 'src/import/docx/readWordDocument.ts', text: 'main document part', why: "mammoth's error message, not a document's words" },
]

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })
}

const WORD = /^\p{L}[\p{L}\s'&.-]*$/u
const letters = (text: string) => text.replace(/[^\p{L}]/gu, '').length

/** The literal words a regex source spells: escapes, classes and group syntax removed. */
export function regexWords(source: string): string[] {
  const bare = source
    .replace(/\\[pPu]\{[^}]*\}/g, ' ')
    .replace(/\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[a-zA-Z]/g, ' ')
    .replace(/\\./g, ' ')
    .replace(/\[(?:\\.|[^\]\\])*\]/g, ' ')
    .replace(/\(\?(?:<[a-zA-Z]\w*>|<?[=!]|:)/g, ' ')
    .replace(/\$\{[^}]*\}/g, ' ')
  return [...bare.matchAll(/\p{L}{2,}/gu)].map(m => m[0].toLowerCase())
}

function typedByCode(node: ts.Node): boolean {
  const parent = node.parent
  if (ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent) || ts.isTypeAssertionExpression(parent)) return true
  if ((ts.isNewExpression(parent) || ts.isCallExpression(parent)) && parent.typeArguments?.length) return true
  if (ts.isVariableDeclaration(parent) && parent.type && !/^(?:readonly\s+)?string\[\]$|^(?:Readonly)?Array<string>$/.test(parent.type.getText())) return true
  return false
}

function isRegExpArgument(node: ts.Node): boolean {
  const call = node.parent
  return (ts.isNewExpression(call) || ts.isCallExpression(call)) && ts.isIdentifier(call.expression) && call.expression.text === 'RegExp' && call.arguments?.[0] === node
}

interface Finding {
  file: string
  line: number
  what: string
  text: string
}

export function findWordLists(file: string, text: string): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: Finding[] = []
  const add = (node: ts.Node, what: string) =>
    found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, what, text: node.getText().replace(/\s+/g, ' ').slice(0, 160) })
  const visit = (node: ts.Node): void => {
    if (ts.isArrayLiteralExpression(node) && !typedByCode(node)) {
      const words = node.elements.filter(e => ts.isStringLiteralLike(e) && WORD.test(e.text) && letters(e.text) >= 2)
      if (words.length >= 3) add(node, `an array of ${words.length} words`)
    } else if (ts.isRegularExpressionLiteral(node)) {
      const words = new Set(regexWords(node.text.slice(1, node.text.lastIndexOf('/'))))
      if (words.size >= 3) add(node, `a regex of ${words.size} words (${[...words].join(', ')})`)
    } else if ((ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) && (isRegExpArgument(node) || /\p{L}{2,}\|\p{L}{2,}\|\p{L}{2,}/u.test(node.getText()))) {
      const source = ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map(s => s.literal.text)].join(' ') : node.text
      const words = new Set(regexWords(source))
      if (words.size >= 3) add(node, `a regex source of ${words.size} words (${[...words].join(', ')})`)
    } else if (ts.isObjectLiteralExpression(node)) {
      const keys = node.properties.filter(
        p => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && letters(p.name.text) >= 3 && !/^[ivxlcdm]+$/i.test(p.name.text) && ts.isNumericLiteral(p.initializer),
      )
      if (keys.length >= 3) add(node, `a map of ${keys.length} words to numbers`)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found
}

t.test('the scanner finds the kinds of word list the importer once held', async t => {
  const flagged = (code: string) => findWordLists('x.ts', code).length
  t.equal(flagged("const PROSE_AFTER = /^(of|in|and|or|to)\\b/i"), 1, 'a regex alternation of words')
  t.equal(flagged("const GAP = /^(?:key\\s+)?gaps?(?:\\s+analysis)?\\s*:?$/i"), 1, 'a regex spelling three words')
  t.equal(flagged("const FILLER = new Set(['of', 'the', 'name'])"), 1, 'an array of words')
  t.equal(flagged("const N = '\\\\d{1,3}|one|two|three'"), 1, 'a regex source in a string')
  t.equal(flagged('const r = new RegExp(`^(?:${x})\\\\s+(?:see|above|below)`)'), 1, 'a template given to new RegExp')
  t.equal(flagged('const NUMBER_WORDS = { one: 1, two: 2, three: 3 }'), 1, 'a map of number words')
  t.equal(flagged("const ROLES = ['when', 'who', 'cost'] as const"), 0, 'names checked by the compiler are not words')
  t.equal(flagged("const x: ColumnRole[] = ['when', 'who', 'cost']"), 0)
  t.equal(flagged('const ROMAN = { i: 1, ii: 2, iii: 3, iv: 4 }'), 0, 'Roman numerals are not words')
  t.equal(flagged("const A = /^(\\d{1,3})[.)]\\s+(.+)$/; const B = /^\\p{L}{1,20}\\.?$/u; warn(`no line names a DAT`)"), 0, 'structure and messages are not lists')
})

t.test('src/import holds no list of words outside the built-in profile', async t => {
  const files = sources(join(ROOT, 'src', 'import')).map(path => relative(ROOT, path).split('\\').join('/'))
  t.ok(files.includes(DEFAULTS), 'the built-in profile is where it is said to be')
  t.ok(findWordLists(DEFAULTS, readFileSync(join(ROOT, DEFAULTS), 'utf8')).length >= 20, 'the scanner sees the lists in the built-in profile')
  const findings = files
    .filter(f => f !== DEFAULTS)
    .flatMap(f => findWordLists(f, readFileSync(join(ROOT, f), 'utf8')))
    .filter(f => !ALLOWED.some(a => a.file === f.file && f.text.includes(a.text)))
  t.same(
    findings.map(f => `${f.file}:${f.line}: ${f.what}: ${f.text}`),
    [],
    `word lists belong in ${DEFAULTS} (a named, documented key of the profile schema), where a user's profile can extend them`,
  )
  for (const a of ALLOWED) t.ok(files.includes(a.file), `allowed: ${a.file}: ${a.why}`)
})
