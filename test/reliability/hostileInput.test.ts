// Hostile input: requests generated with fast-check from the app's own OpenAPI document
// (/openapi.json) and route table — wrong types, missing and extra fields, huge and deep bodies,
// odd path ids, bad headers and tokens — against every route, most through inject() and some as
// raw bytes (invalid UTF-8, malformed HTTP) over a socket to the listening server.
//   - no answer is a 5xx, and every request is answered (or, for malformed raw bytes, the
//     connection closed) within 10 s;
//   - the server still answers /health at the end;
//   - the store holds only valid events: every page reads, every event is of a known type and
//     upcasts, every stream's hash chain verifies, every plan projects and reports.
// 1k requests in npm test; 10k with GRIDLEDGER_RELIABILITY=long. GRIDLEDGER_FUZZ_SEED replays.
import fc from 'fast-check'
import t from 'tap'
import { connect } from 'node:net'
import { isPlanEventType } from '../../src/domain/events.js'
import { isPlanStream } from '../../src/domain/planStream.js'
import { fromStored } from '../../src/projections/recordedEvent.js'
import type { StoredEvent } from '../../src/store/eventStore.js'
import { verifyChain } from '../../src/store/hashChain.js'
import { ADMIN_TOKEN, seedPlan, startHarness } from '../support/harness.js'
import { IMPORT_SAMPLE, jsonSchemaValue, type JsonSchema } from '../support/reliabilityFuzz.js'

const LONG = process.env.GRIDLEDGER_RELIABILITY === 'long'
const RUNS = LONG ? 10_000 : 1_000
/** Share of the runs sent as raw bytes over a socket. */
const RAW_SHARE = 0.1
const ANSWER_WITHIN_MS = 10_000
if (LONG) t.setTimeout(60 * 60_000)

interface Operation {
  method: string
  /** OpenAPI path, e.g. /v1/plans/{planId} */
  path: string
  parameters: Array<{ in: string; name: string; required?: boolean; schema: JsonSchema }>
  body?: { type: string; schema: JsonSchema }
}

interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string | Buffer
  /** For the report: which operation and what was done to it. */
  route: string
}

interface Failure {
  route: string
  status: number | string
  request: string
  response: string
}

const HUGE = 'A'.repeat(1_100_000) // over the 1 MiB JSON body limit
const BIG = 'B'.repeat(30_000) // over every text field's maximum
const WEIRD_STRINGS = ['', ' ', '\u0000', '\ud800', '\udfff\ud800', '💥'.repeat(100), 'Ω≈ç√∫', '\u202e\u2066', '../../etc/passwd', '<script>alert(1)</script>', "'; DROP TABLE events; --", '%00', '\r\nX-Injected: 1', 'null', '[object Object]', '__proto__', BIG]
const ODD_IDS = ['..', '.', '%2e%2e', '%2E', '%00', 'a%00b', '%2F', '%2f..%2f', 'x'.repeat(600), 'y'.repeat(101), '%E6%97%A5%E6%9C%AC', '%F0%9F%92%A5', '%ff', '%C0%AF', '%', '%zz', '%20', '+', 'null', 'undefined', '-1', '0', '1e309', 'NaN', '__proto__', 'constructor', '~', '%7E']

/** encodeURIComponent, but lone surrogates (which it refuses) become U+FFFD first. */
function encode(s: string): string {
  return encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))
}

/** `arb` on about one draw in `oneIn`, else null. */
function sometimes<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb })
}

function deep(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
}

/** Values of any type, biased to the nasty. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, '', [], {}),
  fc.constantFrom(...WEIRD_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
  fc.integer({ min: 2, max: 4000 }).map(d => JSON.parse(deep(Math.min(d, 1500), 'array')) as unknown),
)

/** A JSON body (as text) for a schema: mostly near-valid, often broken on purpose. */
function jsonBody(schema: JsonSchema): fc.Arbitrary<{ text: string; how: string }> {
  const props = schema.properties ?? {}
  const required = new Set(schema.required ?? [])
  const validObject = jsonSchemaValue(schema, hostileValue)
  return fc.oneof(
    { weight: 6, arbitrary: validObject.map(v => ({ text: JSON.stringify(v), how: 'near-valid' })) },
    {
      weight: 2,
      arbitrary: fc.tuple(validObject, fc.constantFrom(...(required.size ? [...required] : Object.keys(props).length ? Object.keys(props) : ['x']))).map(([v, drop]) => {
        const copy = { ...(v as Record<string, unknown>) }
        delete copy[drop]
        return { text: JSON.stringify(copy), how: `missing ${drop}` }
      }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(validObject, fc.constantFrom('extra', '__proto__', 'constructor', 'planId', 'id', 'version', 'actor'), hostileValue).map(([v, key, value]) => {
        // __proto__ as a JSON key: written into the text so it is an own property when parsed.
        const base = JSON.stringify(v)
        const extra = `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`
        return { text: base === '{}' ? `{${extra}}` : base.replace(/^\{/, `{${extra},`), how: `extra ${key}` }
      }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(validObject, fc.constantFrom(...(Object.keys(props).length ? Object.keys(props) : ['x'])), hostileValue).map(([v, key, value]) => ({
        text: JSON.stringify({ ...(v as Record<string, unknown>), [key]: value }),
        how: `wrong ${key}`,
      })),
    },
    { weight: 1, arbitrary: hostileValue.map(v => ({ text: JSON.stringify(v) ?? 'null', how: 'not an object' })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { text: '', how: 'empty' },
        { text: '{', how: 'truncated' },
        { text: '{"a":1,}', how: 'trailing comma' },
        { text: "{'a':1}", how: 'single quotes' },
        { text: 'null', how: 'null' },
        { text: '"just a string"', how: 'string' },
        { text: deep(20_000, 'array'), how: 'deep array' },
        { text: deep(5_000, 'object'), how: 'deep object' },
        { text: `{"note":"${HUGE}"}`, how: 'huge' },
        { text: `[${'1,'.repeat(200_000)}1]`, how: 'long array' },
        { text: '\ufeff{}', how: 'BOM' },
        { text: '{"a":1}{"b":2}', how: 'two documents' },
        { text: '{"effectiveDate":"2008-06-30","note":"x","note":"y"}', how: 'duplicate key' },
      ),
    },
  )
}

function textBody(): fc.Arbitrary<{ text: string; how: string }> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ text: IMPORT_SAMPLE, how: 'valid document' }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }).map(text => ({ text, how: 'random text' })) },
    { weight: 1, arbitrary: fc.constantFrom({ text: '', how: 'empty' }, { text: '\u0000'.repeat(1000), how: 'NULs' }, { text: 'Tab\t'.repeat(20_000), how: 'tabs' }, { text: IMPORT_SAMPLE.repeat(400), how: 'repeated document' }, { text: 'C'.repeat(6 * 1024 * 1024), how: 'over 5 MiB' }) },
  )
}

t.test(`hostile input: ${RUNS} generated requests against every route`, async t => {
  const h = await startHarness({ store: 'sqlite' })
  t.teardown(() => h.close())
  const f = await seedPlan(h)
  // More actions, so a fuzzed withdrawal of one leaves others to write to.
  const actionIds = [f.actionId]
  for (let i = 2; i <= 6; i++) {
    const res = await h.request({ method: 'POST', url: `/v1/plans/${f.planId}/objectives/${f.objectiveId}/actions`, payload: { number: `1.${i}`, text: `Action ${i}`, owners: ['CNWL'] } })
    t.equal(res.statusCode, 201)
    actionIds.push(res.json().id)
  }
  const commissioner = await h.token('commissioner')
  const provider = await h.token('provider', ['CNWL'])
  const auditor = await h.token('auditor')
  const revoked = await h.token('auditor')
  const sacrificial = await h.token('auditor')
  t.equal((await h.request({ method: 'DELETE', url: `/v1/tokens/${revoked.id}` })).statusCode, 204)

  const doc = (await h.request({ method: 'GET', url: '/openapi.json', token: null })).json() as {
    paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>
  }
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {}
      const type = Object.keys(content)[0]
      operations.push({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: type ? { type, schema: content[type].schema } : undefined })
    }
  }
  // Routes served but not in the document (HEAD twins, /docs, /openapi.json): fuzzed with no schema.
  const documented = new Set(operations.map(o => `${o.method} ${o.path}`))
  for (const line of h.app.routeTable) {
    const [method, url] = line.split(' ')
    const path = url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{wildcard}')
    if (!documented.has(`${method} ${path}`)) {
      documented.add(`${method} ${path}`)
      operations.push({ method, path, parameters: [...path.matchAll(/\{(\w+)\}/g)].map(m => ({ in: 'path', name: m[1], required: true, schema: { type: 'string' } })) })
    }
  }
  t.ok(operations.length >= 40, `${operations.length} operations to fuzz`)

  const validIds: Record<string, string[]> = {
    planId: [f.planId],
    gridId: [f.gridId],
    objectiveId: [f.objectiveId],
    actionId: actionIds,
    tokenId: [sacrificial.id, revoked.id],
    owner: ['CNWL', 'DM', 'cnwl'],
    wildcard: ['index.html', 'swagger-ui.css', '../../package.json'],
  }
  const idArb = (name: string) =>
    fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...(validIds[name] ?? ['x'])) },
      { weight: 3, arbitrary: fc.constantFrom(...ODD_IDS) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(encode) },
    )
  const queryValue = (schema: JsonSchema) =>
    fc.oneof(
      { weight: 5, arbitrary: jsonSchemaValue(schema, hostileValue).map(v => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) },
      { weight: 2, arbitrary: fc.constantFrom('', '-1', '0', '99999999999999999999', 'true', '1.5', '[]', '%00', '2008-02-30', '2008-13-01T00:00:00Z', 'x'.repeat(5000)) },
    )
  const tokenArb = fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${ADMIN_TOKEN}`) },
    { weight: 2, arbitrary: fc.constantFrom(`Bearer ${commissioner.token}`, `Bearer ${provider.token}`, `Bearer ${auditor.token}`) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        `Bearer ${revoked.token}`,
        `bearer   ${ADMIN_TOKEN}  `,
        `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        `Bearer ${ADMIN_TOKEN}x`,
        `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}`,
        `Bearer ${'t'.repeat(20_000)}`,
        'Bearer null',
        'Token abc',
      ),
    },
  )

  const requestArb: fc.Arbitrary<FuzzRequest> = fc.constantFrom(...operations).chain(op => {
    const pathParams = op.parameters.filter(p => p.in === 'path')
    const queryParams = op.parameters.filter(p => p.in === 'query')
    const path = fc.tuple(...pathParams.map(p => idArb(p.name))).map(values => {
      let url = op.path
      pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, values[i])))
      return url
    })
    const query = fc
      .tuple(
        ...queryParams.map(p => fc.option(queryValue(p.schema), { freq: p.required ? 6 : 2 }).map(v => (v === null ? null : `${p.name}=${encode(v)}`))),
        sometimes(fc.constantFrom('extra=1', 'quarter=1&quarter=2', '__proto__[x]=1', 'a[b][c]=d', '%zz=1', 'format=xml', 'dryRun=yes', 'limit=0', 'after=-5'), 8),
      )
      .map(parts => parts.filter((x): x is string => x !== null).join('&'))
    const method = fc.oneof({ weight: 9, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') })
    const body = op.body ? (op.body.type === 'text/plain' ? textBody() : jsonBody(op.body.schema)) : sometimes(jsonBody({ type: 'object' }), 6)
    const contentType = fc.oneof(
      { weight: 8, arbitrary: fc.constant(op.body?.type ?? 'application/json') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'application/json; charset=latin1',
          'application/merge-patch+json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'garbage',
          '',
          'application/json, text/plain',
        ),
      },
    )
    // Each extra header on about one request in eight, so most commands can succeed.
    const rarely = <T>(arb: fc.Arbitrary<T>) => sometimes(arb, 8)
    const extraHeaders = fc
      .record({
        'idempotency-key': rarely(fc.oneof(fc.uuid(), fc.constantFrom('', 'has space', 'k'.repeat(300), 'ünïcode', 'same-key'))),
        'if-match': rarely(fc.constantFrom('"1"', '"4"', '"999"', '*', 'W/"2"', 'abc', `"${'9'.repeat(30)}"`, '', '"-1"')),
        accept: rarely(fc.constantFrom('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '*/*', 'application/xml', 'text/html;q=0.1')),
        'x-request-id': rarely(fc.constantFrom('../../x', 'r'.repeat(200), 'ok-id', '\u00e9')),
        'content-encoding': rarely(fc.constantFrom('gzip', 'br', 'identity', 'bogus')),
      })
      .map(h => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== null)) as Record<string, string>)
    return fc.record({ method, path, query, body, contentType, token: tokenArb, extraHeaders }).map(r => {
      const headers: Record<string, string> = { ...r.extraHeaders }
      if (r.token) headers.authorization = r.token
      if (r.body !== null) headers['content-type'] = r.contentType
      return {
        method: r.method,
        url: r.query ? `${r.path}?${r.query}` : r.path,
        headers,
        payload: r.body === null ? undefined : r.body.text,
        route: `${r.method} ${op.path}${r.method !== op.method ? ` (as ${op.method})` : ''}${r.body ? ` [${r.body.how}]` : ''}`,
      }
    })
  })

  const seed = Number(process.env.GRIDLEDGER_FUZZ_SEED ?? Date.now() % 1_000_000)
  t.comment(`seed ${seed} (GRIDLEDGER_FUZZ_SEED=${seed} replays these requests)`)
  const rawRuns = Math.round(RUNS * RAW_SHARE)
  const requests = fc.sample(requestArb, { numRuns: RUNS - rawRuns, seed })
  const failures: Failure[] = []
  const statusCounts = new Map<number, number>()
  const describe = (r: FuzzRequest) =>
    `${r.method} ${r.url.slice(0, 300)} headers=${JSON.stringify(Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.slice(0, 80)])))} body=${r.payload === undefined ? '(none)' : JSON.stringify(String(r.payload).slice(0, 300))}${r.payload && r.payload.length > 300 ? `… (${r.payload.length} chars)` : ''}`

  for (const r of requests) {
    let timer: NodeJS.Timeout | undefined
    try {
      const res = await Promise.race([
        h.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, payload: r.payload }),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), ANSWER_WITHIN_MS))),
      ])
      statusCounts.set(res.statusCode, (statusCounts.get(res.statusCode) ?? 0) + 1)
      if (res.statusCode >= 500) failures.push({ route: r.route, status: res.statusCode, request: describe(r), response: res.body.slice(0, 500) })
    } catch (error) {
      const message = (error as Error).message
      // light-my-request refuses some header values itself (e.g. invalid characters): not the server's doing.
      if (/Invalid character in header|ERR_INVALID_CHAR|ERR_HTTP_INVALID_HEADER_VALUE/.test(message + String((error as NodeJS.ErrnoException).code))) continue
      failures.push({ route: r.route, status: message === 'no answer' ? 'no answer within 10 s' : `threw ${message}`, request: describe(r), response: '' })
    } finally {
      clearTimeout(timer)
    }
  }

  // Raw bytes over a socket: invalid UTF-8, malformed request lines and headers.
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const address = h.app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const rawArb = fc.record({
    base: requestArb,
    mutation: fc.constantFrom(
      'invalid utf-8 in body',
      'invalid utf-8 in path',
      'invalid utf-8 in header',
      'header without colon',
      'header name with space',
      'huge header',
      'two content-lengths',
      'bad chunked body',
      'absolute-form target',
      'http/1.0',
      'garbage request line',
      'nul in path',
      'overlong utf-8 in body',
      'surrogate utf-8 in body',
    ),
    cut: fc.integer({ min: 0, max: 100 }),
  })
  const rawRequests = fc.sample(rawArb, { numRuns: rawRuns, seed: seed + 1 })
  let rawAnswered = 0
  let rawClosed = 0
  for (const { base, mutation, cut } of rawRequests) {
    const bytes = rawRequest(base, mutation, cut)
    const outcome = await sendRaw(port, bytes)
    if (outcome.kind === 'timeout') failures.push({ route: `raw ${mutation}: ${base.route}`, status: 'no answer and no close within 10 s', request: JSON.stringify(bytes.subarray(0, 400).toString('latin1')), response: '' })
    else if (outcome.kind === 'answered') {
      rawAnswered++
      statusCounts.set(outcome.status, (statusCounts.get(outcome.status) ?? 0) + 1)
      if (outcome.status >= 500) failures.push({ route: `raw ${mutation}: ${base.route}`, status: outcome.status, request: JSON.stringify(bytes.subarray(0, 400).toString('latin1')), response: outcome.text.slice(0, 500) })
    } else rawClosed++
  }

  t.comment(`answers: ${[...statusCounts].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s} ×${n}`).join(', ')}; raw: ${rawAnswered} answered, ${rawClosed} closed without an answer`)
  const groups = new Map<string, Failure>()
  for (const fail of failures) {
    const key = `${fail.route.replace(/ \[.*\]$/, '')} → ${fail.status}`
    if (!groups.has(key)) groups.set(key, fail)
  }
  t.same(
    [...groups].map(([key, fail]) => `${key}\n    request: ${fail.request}\n    response: ${fail.response}`),
    [],
    `no 5xx and no hang among ${requests.length} injected and ${rawRequests.length} raw requests (${failures.length} failing)`,
  )

  // Still up.
  const health = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) })
  t.equal(health.status, 200, 'the server still answers /health over HTTP')
  t.equal((await h.request({ method: 'GET', url: '/health', token: null })).statusCode, 200, 'and through inject')

  // The store holds only valid events.
  const streams = new Map<string, StoredEvent[]>()
  let count = 0
  for (let after = 0; ; ) {
    const page = await h.store.readAll({ after, limit: 1000 })
    if (page.length === 0) break
    for (const e of page) {
      count++
      if (!streams.has(e.streamId)) streams.set(e.streamId, [])
      if (isPlanStream(e.streamId)) {
        if (!isPlanEventType(e.type)) t.fail(`event ${e.position}: unknown plan event type ${e.type}`)
        try {
          fromStored(e)
        } catch (error) {
          t.fail(`event ${e.position} (${e.type}) does not upcast: ${(error as Error).message}`)
        }
      } else if (e.streamId === 'tokens') {
        if (!['TokenIssued', 'TokenRevoked'].includes(e.type)) t.fail(`event ${e.position}: unknown token event type ${e.type}`)
      } else t.fail(`event ${e.position} in unexpected stream ${e.streamId}`)
      after = e.position
    }
  }
  let chainsOk = 0
  for (const streamId of streams.keys()) {
    const verdict = verifyChain(streamId, await h.store.readStream(streamId))
    if (verdict.ok) chainsOk++
    else t.fail(`stream ${streamId}: ${verdict.detail}`)
  }
  t.equal(chainsOk, streams.size, `${count} events in ${streams.size} streams, every hash chain verifies`)
  const plans = (await h.request({ method: 'GET', url: '/v1/plans' })).json().items as Array<{ id: string }>
  let projected = 0
  for (const p of plans) {
    const state = await h.request({ method: 'GET', url: `/v1/plans/${p.id}` })
    const report = await h.request({ method: 'GET', url: `/v1/plans/${p.id}/reports/quarterly?quarter=4` })
    const integrity = await h.request({ method: 'GET', url: `/v1/plans/${p.id}/integrity` })
    if (state.statusCode === 200 && report.statusCode === 200 && integrity.json().ok === true) projected++
    else t.fail(`plan ${p.id}: state ${state.statusCode}, report ${report.statusCode}, integrity ${integrity.body.slice(0, 200)}`)
  }
  t.equal(projected, plans.length, `all ${plans.length} plans (${plans.length - 1} created by the fuzzer) project, report and verify`)
})

/** The request as bytes, with one kind of damage. */
function rawRequest(r: FuzzRequest, mutation: string, cut: number): Buffer {
  let target = r.url
  let body = Buffer.from(r.payload === undefined ? '' : String(r.payload).slice(0, 20_000), 'utf8')
  const headerLines: Buffer[] = [Buffer.from('Host: 127.0.0.1')]
  for (const [k, v] of Object.entries(r.headers)) if (k !== 'transfer-encoding') headerLines.push(Buffer.from(`${k}: ${v.slice(0, 2000)}`, 'latin1'))
  let version = 'HTTP/1.1'
  let requestLine: Buffer | null = null
  const bad = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc])
  const splice = (buf: Buffer, insert: Buffer) => {
    const text = buf.toString('latin1')
    const quote = text.indexOf('"', Math.floor((text.length * cut) / 100))
    const at = quote >= 0 ? quote + 1 : Math.floor((buf.length * cut) / 100)
    return Buffer.concat([buf.subarray(0, at), insert, buf.subarray(at)])
  }
  let chunked = false
  switch (mutation) {
    case 'invalid utf-8 in body':
      body = splice(body.length ? body : Buffer.from('{"note":""}'), bad)
      break
    case 'overlong utf-8 in body':
      body = splice(body.length ? body : Buffer.from('{"note":""}'), Buffer.from([0xc0, 0xaf, 0xe0, 0x80, 0xaf]))
      break
    case 'surrogate utf-8 in body':
      body = splice(body.length ? body : Buffer.from('{"note":""}'), Buffer.from([0xed, 0xa0, 0x80, 0xed, 0xbf, 0xbf]))
      break
    case 'invalid utf-8 in path':
      requestLine = Buffer.concat([Buffer.from(`${r.method} ${target}/`), bad, Buffer.from(` ${version}`)])
      break
    case 'nul in path':
      requestLine = Buffer.from(`${r.method} ${target}\u0000x ${version}`, 'latin1')
      break
    case 'invalid utf-8 in header':
      headerLines.push(Buffer.concat([Buffer.from('X-Note: '), bad]))
      break
    case 'header without colon':
      headerLines.push(Buffer.from('ThisIsNotAHeader'))
      break
    case 'header name with space':
      headerLines.push(Buffer.from('Bad Name: x'))
      break
    case 'huge header':
      headerLines.push(Buffer.from(`X-Huge: ${'h'.repeat(100_000)}`))
      break
    case 'two content-lengths':
      headerLines.push(Buffer.from(`Content-Length: ${body.length + 5}`))
      break
    case 'bad chunked body':
      chunked = true
      break
    case 'absolute-form target':
      target = `http://example.invalid${target}`
      break
    case 'http/1.0':
      version = 'HTTP/1.0'
      break
    case 'garbage request line':
      requestLine = Buffer.from(`${r.method}\t${target} HTTP/9.9 extra`)
      break
  }
  if (chunked) headerLines.push(Buffer.from('Transfer-Encoding: chunked'))
  else headerLines.push(Buffer.from(`Content-Length: ${body.length}`))
  headerLines.push(Buffer.from('Connection: close'))
  const head = Buffer.concat([requestLine ?? Buffer.from(`${r.method} ${target} ${version}`, 'latin1'), Buffer.from('\r\n'), ...headerLines.flatMap(l => [l, Buffer.from('\r\n')]), Buffer.from('\r\n')])
  const payload = chunked ? Buffer.concat([Buffer.from(`zz\r\n`), body, Buffer.from('\r\n5\r\nabc\r\n0\r\n\r\n')]) : body
  return Buffer.concat([head, payload])
}

type RawOutcome = { kind: 'answered'; status: number; text: string } | { kind: 'closed' } | { kind: 'timeout' }

/** Sends bytes on a fresh connection, half-closes, and reads until the server closes. */
function sendRaw(port: number, bytes: Buffer): Promise<RawOutcome> {
  return new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    let done = false
    const finish = (outcome: RawOutcome) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const timer = setTimeout(() => {
      const text = Buffer.concat(chunks).toString('latin1')
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      // An answer arrived but the server kept the connection open: answered, not hung.
      finish(m ? { kind: 'answered', status: Number(m[1]), text } : { kind: 'timeout' })
    }, ANSWER_WITHIN_MS)
    socket.on('connect', () => {
      socket.write(bytes)
      socket.end()
    })
    socket.on('data', c => {
      chunks.push(c)
      const text = Buffer.concat(chunks).toString('latin1')
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      // One answer is enough once its head is complete.
      if (m && text.includes('\r\n\r\n')) finish({ kind: 'answered', status: Number(m[1]), text })
    })
    socket.on('error', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      finish(m ? { kind: 'answered', status: Number(m[1]), text } : { kind: 'closed' })
    })
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      finish(m ? { kind: 'answered', status: Number(m[1]), text } : { kind: 'closed' })
    })
  })
}
