// The printable pack and the minutes rendered by a real browser (headless Chromium): the RAG
// colours are where the rows are, and the imported 2006/07 seed plan prints to the expected
// number of A4 landscape pages. Skipped, and said so, where Chromium is absent.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { PDFDocument } from 'pdf-lib'
import type { PNG } from 'pngjs'
import { RAG_COLOURS } from '../../src/presentation/htmlPage.js'
import { startHarness } from '../support/harness.js'
import { monitoringScenario } from '../meetings/support/monitoringScenario.js'
import { chromiumOrSkipReason, colourRuns, hasLiberationSans, hexRgb, near, pixel, printToPdf, screenshot, type Rgb } from './support/chromium.js'

const unavailable = chromiumOrSkipReason()
if (unavailable) t.comment(unavailable)

const COLOURS: Record<string, Rgb> = Object.fromEntries(Object.entries(RAG_COLOURS).map(([k, v]) => [k, hexRgb(v)]))

t.test('pack screenshot: each action row shows its RAG colour, in the order of the rows', { skip: unavailable ?? false }, async t => {
  const h = await startHarness({ clockStart: '2008-10-20T09:00:00.000Z' })
  t.teardown(() => h.close())
  const post = async (url: string, payload: object) => (await h.request({ method: 'POST', url, payload })).json()
  const plan = await post('/v1/plans', { partnership: 'Ealing DAAT', year: '2008/09' })
  const expected: string[] = []
  for (const [number, rags] of [[1, ['red', 'green', null, 'amber']], [2, ['green', 'red', 'red']]] as const) {
    const grid = await post(`/v1/plans/${plan.id}/grids`, { number, title: `Grid ${number}` })
    const objective = await post(`/v1/plans/${plan.id}/grids/${grid.id}/objectives`, { number: '1', text: 'Objective' })
    for (const [i, rag] of rags.entries()) {
      // Long words on some rows: rows of different heights.
      const action = await post(`/v1/plans/${plan.id}/objectives/${objective.id}/actions`, { number: `${number}.${i + 1}`, text: `Action ${i + 1}. ${'Commission more places. '.repeat(i * 4)}`, due: 'Qtr 2', owners: ['CNWL'] })
      if (rag) await h.request({ method: 'PUT', url: `/v1/plans/${plan.id}/actions/${action.id}/rag`, payload: { rag, effectiveDate: '2008-09-30' } })
      expected.push(rag ?? 'none')
    }
  }
  const html = (await h.request({ method: 'GET', url: `/v1/plans/${plan.id}/reports/quarterly?quarter=2&format=html` })).body
  const png = await screenshot(html, 1400, 2400)
  // The RAG cell is the first column, its left edge 16 CSS px in (the body's margin): sample just inside it.
  const runs = colourRuns(png, 20, COLOURS, 10)
  t.same(runs.map(r => r.name), expected, 'one run of colour per row, in the rows\' order')
  t.ok(runs.every((r, i) => i === 0 || r.top > runs[i - 1].bottom), 'rows top to bottom')
  // The summary's stacked bars: grid 1 has a red, a green, a not-rated and an amber action.
  const bar = runs.length ? summaryBarColours(png, runs[0].top) : []
  t.same(bar, ['red', 'amber', 'green', 'none'], 'summary bar segments in RAG order, above the rows')
})

/** Colours along the first summary bar (the first horizontal band above `below` with RAG colours from x = 150 on). */
function summaryBarColours(png: PNG, below: number): string[] {
  for (let y = 0; y < below; y++) {
    const seen: string[] = []
    for (let x = 150; x < png.width; x++) {
      const name = Object.keys(COLOURS).find(k => near(pixel(png, x, y), COLOURS[k]))
      if (name && seen[seen.length - 1] !== name) seen.push(name)
    }
    if (seen.length >= 3) return seen
  }
  return []
}

t.test('minutes screenshot: decisions show their ratings by colour, in decision order', { skip: unavailable ?? false }, async t => {
  const h = await startHarness()
  t.teardown(() => h.close())
  const s = await monitoringScenario(h)
  await s.ok('POST', `/v1/plans/${s.planId}/actions/${s.trained}/rag-proposal/accept`, { meetingId: s.july })
  await s.ok('PUT', `/v1/plans/${s.planId}/actions/${s.trained}/rag`, { rag: 'red', reason: 'Behind plan', meetingId: s.july })
  const html = (await h.request({ method: 'GET', url: `/v1/plans/${s.planId}/meetings/${s.july}/minutes?format=html` })).body
  const png = await screenshot(html, 1200, 1400)
  // Badge swatches (14 px) anywhere on a row: the first amber (accepted) lies above the first red (set later).
  const firstRow = (name: string) => {
    for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) if (near(pixel(png, x, y), COLOURS[name])) return y
    return -1
  }
  const amber = firstRow('amber')
  const red = firstRow('red')
  t.ok(amber > 0 && red > 0, `both ratings are drawn (amber at y=${amber}, red at y=${red})`)
  t.ok(amber < red, 'the accepted amber comes before the red set after it')
})

t.test('the imported 2006/07 seed plan prints to the expected A4 landscape pages', { skip: unavailable ?? false }, async t => {
  const h = await startHarness({ clockStart: '2007-04-20T09:00:00.000Z' })
  t.teardown(() => h.close())
  const text = readFileSync(new URL('../fixtures/ealing-2006-07.txt', import.meta.url), 'utf8')
  const imported = await h.request({ method: 'POST', url: '/v1/imports', payload: text, headers: { 'content-type': 'text/plain' } })
  t.equal(imported.statusCode, 201)
  const { planId, counts } = imported.json()
  const html = (await h.request({ method: 'GET', url: `/v1/plans/${planId}/reports/quarterly?quarter=4&format=html` })).body
  const pdf = await PDFDocument.load(await printToPdf(html))
  const pages = pdf.getPages()
  const [width, height] = [pages[0].getWidth(), pages[0].getHeight()]
  t.ok(Math.abs(width - 841.89) < 1 && Math.abs(height - 595.28) < 1, `A4 landscape (${width.toFixed(1)} × ${height.toFixed(1)} pt)`)
  // The summary's page, then each grid from a new page: at least 1 + grids. With Liberation Sans
  // (metric-compatible with Arial, Debian's fonts-liberation2) the seed's actions take EXPECTED_PAGES.
  t.ok(pages.length >= 1 + counts.grids, `${pages.length} pages for ${counts.grids} grids and ${counts.actions} actions`)
  if (hasLiberationSans()) t.equal(pages.length, EXPECTED_PAGES, 'the expected page count')
  else t.comment('Liberation Sans is not installed (fonts-liberation2): the exact page count is not checked, only the lower bound')
})

const EXPECTED_PAGES = 13
