// The printable pack (reports/quarterly?format=html): one self-contained page, a RAG summary
// per grid as inline SVG, every action's RAG by colour and by word, A4 landscape, nothing
// user-written left unescaped.
import t from 'tap'
import { startHarness } from '../support/harness.js'
import { HOSTILE } from './support/monitoringScenario.js'

t.test('the pack is one self-contained, escaped page', async t => {
  const h = await startHarness({ clockStart: '2008-10-20T09:00:00.000Z' })
  t.teardown(() => h.close())
  const post = async (url: string, payload: object) => {
    const res = await h.request({ method: 'POST', url, payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const plan = await post('/v1/plans', { partnership: `Ealing DAAT ${HOSTILE}`, year: '2008/09', title: `Plan ${HOSTILE}` })
  const g1 = await post(`/v1/plans/${plan.id}/grids`, { number: 1, title: `Harm reduction ${HOSTILE}` })
  const g2 = await post(`/v1/plans/${plan.id}/grids`, { number: 2, title: 'Workforce development' })
  await post(`/v1/plans/${plan.id}/grids`, { number: 3, title: 'Empty grid' })
  const o1 = await post(`/v1/plans/${plan.id}/grids/${g1.id}/objectives`, { number: '1', text: 'Reduce deaths' })
  const o2 = await post(`/v1/plans/${plan.id}/grids/${g2.id}/objectives`, { number: '1', text: 'Train staff' })
  const rated: Array<[string, 'red' | 'amber' | 'green' | null]> = [[o1.id, 'red'], [o1.id, 'amber'], [o1.id, null], [o2.id, 'green'], [o2.id, 'green']]
  for (const [i, [objectiveId, rag]] of rated.entries()) {
    const action = await post(`/v1/plans/${plan.id}/objectives/${objectiveId}/actions`, { number: `${i + 1}`, text: `Action ${i + 1} ${HOSTILE}`, due: 'Qtr 2', owners: [`Owner ${HOSTILE}`] })
    await post(`/v1/plans/${plan.id}/actions/${action.id}/progress`, { effectiveDate: '2008-09-30', note: `Note ${HOSTILE}`, furtherAction: `Next ${HOSTILE}`, status: 'in_progress' })
    if (rag) await h.request({ method: 'PUT', url: `/v1/plans/${plan.id}/actions/${action.id}/rag`, payload: { rag, effectiveDate: '2008-09-30' } })
  }

  const res = await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/reports/quarterly?quarter=2&format=html` })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
  t.match(res.headers['content-security-policy'], /default-src 'none'/, 'a strict CSP: nothing may load')
  const html = res.body
  t.notMatch(html, /<script/i, 'no scripts, not even hostile ones')
  t.notMatch(html, /<img|<link|<iframe|@import|url\(/i, 'no external requests')
  t.notMatch(html.replace(/"[^"]*"/g, '""'), /<[^>]*\s(src|href)=/i, 'no src or href attribute in any tag (attribute values set aside)')
  t.notMatch(html, /onerror=alert\(1\)>/, 'hostile attributes stay text')
  const escaped = (html.match(/&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;quoted&quot; &#39;single&#39;/g) ?? []).length
  // Partnership, plan title (h1 and <title>), grid 1's title (summary, its aria-label, heading),
  // and per action its text, owner, note and further action.
  t.ok(escaped >= 3 + 3 + 5 * 4, `every user value escaped (${escaped} occurrences)`)
  t.match(html, /@page \{ size: A4 landscape;/)
  t.match(html, /break-before: page/, 'each grid on a page of its own')

  // RAG summary per grid: one inline SVG bar each, segments in proportion, counts in words.
  const bars = html.match(/<svg[\s\S]*?<\/svg>/g) ?? []
  t.equal(bars.length, 3, 'one bar per grid, the empty grid too')
  t.match(bars[0], /fill="#d4351c"[^>]*><title>Red: 1<\/title>/)
  t.match(bars[0], /width="160.00"[^>]*fill="#f47738"/, 'amber: a third of grid 1')
  t.match(bars[0], /fill="#b1b4b6"[^>]*><title>Not rated: 1/)
  t.match(bars[1], /x="0.00" y="0" width="480.00" height="22" fill="#00703c"/, 'grid 2 all green')
  t.match(html, /Red 1 · Amber 1 · Green 0 · Not rated 1/)
  t.match(html, /All grids: Red 1 · Amber 1 · Green 2 · Not rated 1/)

  // Each action: colour and word together, in the plan's order.
  const rows = [...html.matchAll(/<tr class="action" data-rag="(\w+)"><td class="rag" style="background:(#[0-9a-f]{6})"><span class="rag rag-\w+">.*?<\/span>(\w[\w ]*)<\/span>/g)]
  t.same(rows.map(r => [r[1], r[2], r[3]]), [
    ['red', '#d4351c', 'Red'], ['amber', '#f47738', 'Amber'], ['none', '#b1b4b6', 'Not rated'], ['green', '#00703c', 'Green'], ['green', '#00703c', 'Green'],
  ])

  const etag = res.headers.etag as string
  t.match(etag, /-html"$/, 'its own entity tag')
  t.equal((await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/reports/quarterly?quarter=2&format=html`, headers: { 'if-none-match': etag } })).statusCode, 304)
  const asOf = await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/reports/quarterly?quarter=2&format=html&asOf=2008-10-20T09:00:00.500Z` })
  t.equal(asOf.statusCode, 200)
  t.match(asOf.body, /as recorded at 2008-10-20T09:00:00.500Z/)
})
