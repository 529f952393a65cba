// Self-contained HTML pages (the minutes, the printable pack): one document, inline styles, no
// scripts, no external requests; every user-written value goes through `esc`. RAG is shown by
// colour and by word, never by colour alone.
import escapeHtml from 'escape-html'
import type { Rag } from '../domain/values/types.js'

/** What such a page may load: nothing but its own inline styles and data: images. */
export const SELF_CONTAINED_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** The RAG colours (GOV.UK palette: distinct in print and for common colour vision deficiencies with the words beside them). */
export const RAG_COLOURS: Record<Rag | 'none', string> = { red: '#d4351c', amber: '#f47738', green: '#00703c', none: '#b1b4b6' }
export const RAG_WORDS: Record<Rag | 'none', string> = { red: 'Red', amber: 'Amber', green: 'Green', none: 'Not rated' }

/** HTML-escapes any value (null and undefined as empty). */
export function esc(value: unknown): string {
  return value === null || value === undefined ? '' : escapeHtml(String(value))
}

/** A RAG badge: the colour as a swatch and the word beside it. */
export function ragBadge(rag: Rag | null): string {
  const key = rag ?? 'none'
  return `<span class="rag rag-${key}"><span class="swatch" style="background:${RAG_COLOURS[key]}"></span>${RAG_WORDS[key]}</span>`
}

const BASE_CSS = `
body { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; font-size: 11pt; color: #0b0c0c; margin: 16px; }
h1 { font-size: 18pt; margin: 0 0 4px; } h2 { font-size: 14pt; margin: 18px 0 6px; } h3 { font-size: 12pt; margin: 12px 0 4px; }
.meta { color: #505a5f; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; }
th, td { border: 1px solid #6f777b; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
tr { page-break-inside: avoid; break-inside: avoid; }
.rag { white-space: nowrap; font-weight: bold; }
.swatch { display: inline-block; width: 14px; height: 14px; margin-right: 5px; vertical-align: -2px; border: 1px solid #0b0c0c; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
`

/** A whole page: doctype, charset, title, the base styles and the page's own, the body. */
export function htmlPage({ title, css = '', body }: { title: string; css?: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${SELF_CONTAINED_CSP}">
<title>${esc(title)}</title>
<style>${BASE_CSS}${css}</style>
</head>
<body>
${body}
</body>
</html>
`
}
