// The printable meeting pack: the quarter's report as one self-contained HTML page for A4
// landscape. First the RAG summary per grid as inline SVG stacked bars (red, amber, green, not
// rated) with the counts in words, then each grid, on a page of its own, with its actions and
// their RAG by colour and by word. No scripts, no external requests; every user value escaped.
import type { Rag } from '../domain/values/types.js'
import type { QuarterlyReport, QuarterlyReportRow } from '../projections/folds/quarterlyReport.js'
import { esc, htmlPage, ragBadge, RAG_COLOURS, RAG_WORDS } from './htmlPage.js'

/** A grid's number and title, for headings (the report's rows carry only the number). */
export interface GridHeading {
  number: number
  title: string
}

type RagKey = Rag | 'none'
const ORDER: RagKey[] = ['red', 'amber', 'green', 'none']
const STATUS_WORDS: Record<string, string> = { not_started: 'Not started', in_progress: 'In progress', completed: 'Completed', deferred: 'Deferred', ongoing: 'Ongoing' }

const BAR_WIDTH = 480
const BAR_HEIGHT = 22

const PACK_CSS = `
@page { size: A4 landscape; margin: 12mm; }
body { margin: 0 16px; }
.summary td.bar { width: ${BAR_WIDTH + 8}px; }
.summary td.counts { white-space: nowrap; }
section.grid { break-before: page; page-break-before: always; }
table.actions col.rag { width: 96px; }
table.actions td.rag { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
table.actions td.rag .rag { background: #ffffff; padding: 1px 4px; border-radius: 2px; }
table.actions th, table.actions td { font-size: 9.5pt; }
`

function ragKey(rag: Rag | null): RagKey {
  return rag ?? 'none'
}

/** Counts of each rating among rows. */
export function ragCounts(rows: QuarterlyReportRow[]): Record<RagKey, number> {
  const counts: Record<RagKey, number> = { red: 0, amber: 0, green: 0, none: 0 }
  for (const row of rows) counts[ragKey(row.rag)]++
  return counts
}

function countsWords(counts: Record<RagKey, number>): string {
  return ORDER.map(k => `${RAG_WORDS[k]} ${counts[k]}`).join(' · ')
}

/** One stacked bar: a segment per rating, widths in proportion to the counts. */
function summaryBar(label: string, counts: Record<RagKey, number>): string {
  const total = ORDER.reduce((n, k) => n + counts[k], 0)
  let x = 0
  const segments = total === 0
    ? `<rect x="0" y="0" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" fill="#ffffff" stroke="${RAG_COLOURS.none}"/>`
    : ORDER.filter(k => counts[k] > 0).map(k => {
      const width = (BAR_WIDTH * counts[k]) / total
      const rect = `<rect x="${x.toFixed(2)}" y="0" width="${width.toFixed(2)}" height="${BAR_HEIGHT}" fill="${RAG_COLOURS[k]}"><title>${RAG_WORDS[k]}: ${counts[k]}</title></rect>`
      x += width
      return rect
    }).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" viewBox="0 0 ${BAR_WIDTH} ${BAR_HEIGHT}" role="img" aria-label="${esc(`${label}: ${countsWords(counts)}`)}">${segments}</svg>`
}

function actionRow(row: QuarterlyReportRow): string {
  const key = ragKey(row.rag)
  return `<tr class="action" data-rag="${key}"><td class="rag" style="background:${RAG_COLOURS[key]}">${ragBadge(row.rag)}</td><td>${esc(row.actionNumber)}</td><td>${esc(row.action)}</td><td>${esc(row.byWhen)}</td><td>${esc(row.byWhom)}</td><td>${esc(row.status ? STATUS_WORDS[row.status] : '')}</td><td>${esc(row.progressToDate)}</td><td>${esc(row.furtherAction)}</td><td>${esc(row.effectiveDate)}</td></tr>`
}

export function quarterlyPackHtml(report: QuarterlyReport, grids: GridHeading[]): string {
  const titleOf = new Map(grids.map(g => [g.number, g.title]))
  const numbers = [...new Set([...grids.map(g => g.number), ...report.rows.map(r => r.gridNumber)])].sort((a, b) => a - b)
  const rowsOf = (n: number) => report.rows.filter(r => r.gridNumber === n)
  const gridName = (n: number) => `Grid ${n}${titleOf.has(n) ? `: ${titleOf.get(n)}` : ''}`
  const q = report.quarter
  const title = `${report.title}: quarter ${q.number} report`
  const summary = `<table class="summary"><thead><tr><th>Grid</th><th>RAG of its actions</th><th>Counts</th></tr></thead><tbody>${numbers.map(n => {
    const counts = ragCounts(rowsOf(n))
    return `<tr><td>${esc(gridName(n))}</td><td class="bar">${summaryBar(gridName(n), counts)}</td><td class="counts">${esc(countsWords(counts))}</td></tr>`
  }).join('')}</tbody></table>
<p class="meta">All grids: ${esc(countsWords(ragCounts(report.rows)))}</p>`
  const sections = numbers.map(n => {
    const rows = rowsOf(n)
    const table = rows.length
      ? `<table class="actions"><colgroup><col class="rag"><col><col><col><col><col><col><col><col></colgroup><thead><tr><th>RAG</th><th>No.</th><th>Action</th><th>By when</th><th>By whom</th><th>Status</th><th>Progress to date</th><th>Further action</th><th>As at</th></tr></thead><tbody>${rows.map(actionRow).join('')}</tbody></table>`
      : '<p>No actions.</p>'
    return `<section class="grid"><h2>${esc(gridName(n))}</h2>${table}</section>`
  }).join('\n')
  return htmlPage({
    title,
    css: PACK_CSS,
    body: `<h1>${esc(title)}</h1>
<p class="meta">${esc(report.partnership)} · ${esc(report.year)} · Quarter ${q.number}, ${esc(q.from)} to ${esc(q.to)} · as recorded at ${esc(report.asOf)}</p>
<h2>RAG summary by grid</h2>
${summary}
${sections}`,
  })
}
