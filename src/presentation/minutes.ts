// The minutes of a monitoring meeting as a self-contained HTML page and as a Word document:
// heading, attendees, each decision with the value before and after, the agenda items not
// discussed, the closing notes. Both read the same words (minutesText below).
import { AlignmentType, Document, HeadingLevel, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx'
import type { Rag } from '../domain/values/types.js'
import type { Minutes, MinutesDecision, NotDiscussed, ProgressValue } from '../projections/folds/minutes.js'
import { esc, htmlPage, ragBadge, RAG_WORDS } from './htmlPage.js'

const STATUS_WORDS: Record<string, string> = { not_started: 'not started', in_progress: 'in progress', completed: 'completed', deferred: 'deferred', ongoing: 'ongoing' }

/** The action as a meeting names it: its number (where it has one) and its words. */
export function actionLabel(item: { actionNumber: string | null; action: string | null }): string {
  return [item.actionNumber, item.action ?? '(withdrawn action)'].filter(Boolean).join(' ')
}

export function decisionWords(d: MinutesDecision): string {
  switch (d.type) {
    case 'ProgressReported': return 'Progress recorded'
    case 'RagSet': return d.acceptsProposal ? 'Proposed RAG accepted' : 'RAG set'
    case 'RagProposed': return 'RAG proposed'
    default: return 'RAG proposal rejected'
  }
}

/** A decision's value in words: progress as percent, status, note and further action; a rating as its word. */
export function valueWords(field: MinutesDecision['field'], value: MinutesDecision['before']): string {
  if (value === null) return field === 'progress' ? 'no progress recorded' : field === 'rag' ? 'not rated' : 'no proposal'
  if (typeof value === 'string') return RAG_WORDS[value]
  return progressWords(value)
}

function progressWords(p: ProgressValue): string {
  const head = [p.percentComplete !== null ? `${p.percentComplete}%` : null, p.status ? STATUS_WORDS[p.status] : null, `as at ${p.effectiveDate}`].filter(Boolean).join(', ')
  return `${head}: ${p.note}${p.furtherAction ? ` Further action: ${p.furtherAction}` : ''}`
}

function flagWords(item: NotDiscussed): string {
  return item.flags.join(', ')
}

/** Heading lines shared by both renderings. */
function headingLines(m: Minutes): { title: string; lines: string[] } {
  const scope = m.meeting.owners.length ? m.meeting.owners.join(', ') : 'the whole plan'
  return {
    title: `${m.meeting.title}: minutes`,
    lines: [
      `${m.plan.partnership}, ${m.plan.title} (${m.plan.year})`,
      `Held on ${m.meeting.date}; providers in scope: ${scope}; ${m.meeting.status === 'closed' ? `closed ${m.meeting.closedAt}` : 'still open (these minutes are a draft)'}`,
    ],
  }
}

// ---- HTML ------------------------------------------------------------------------------------

function valueHtml(field: MinutesDecision['field'], value: MinutesDecision['before']): string {
  if (typeof value === 'string' || (value === null && field === 'rag')) return ragBadge(value as Rag | null)
  return esc(valueWords(field, value))
}

export function minutesHtml(m: Minutes): string {
  const { title, lines } = headingLines(m)
  const attendees = m.attendees.length ? `<ul>${m.attendees.map(a => `<li>${esc(a)}</li>`).join('')}</ul>` : '<p>None recorded.</p>'
  const decisions = m.decisions.length
    ? `<table><thead><tr><th>Action</th><th>Decision</th><th>Before</th><th>After</th><th>Effective</th><th>Reason</th><th>Recorded by</th></tr></thead><tbody>${m.decisions.map(d => `<tr class="decision"><td>${esc(actionLabel(d))}</td><td>${esc(decisionWords(d))}</td><td>${valueHtml(d.field, d.before)}</td><td>${valueHtml(d.field, d.after)}</td><td>${esc(d.effectiveDate)}</td><td>${esc(d.reason)}</td><td>${esc(d.actor.label ?? d.actor.role)}</td></tr>`).join('')}</tbody></table>`
    : '<p>No decisions recorded.</p>'
  const skipped = m.notDiscussed.length
    ? `<table><thead><tr><th>Action</th><th>By whom</th><th>RAG</th><th>Flags</th></tr></thead><tbody>${m.notDiscussed.map(i => `<tr class="not-discussed"><td>${esc(actionLabel(i))}</td><td>${esc(i.byWhom)}</td><td>${ragBadge(i.rag)}</td><td>${esc(flagWords(i))}</td></tr>`).join('')}</tbody></table>`
    : '<p>Every agenda item was discussed.</p>'
  const notes = m.meeting.notes ? `<h2>Notes</h2><p>${esc(m.meeting.notes)}</p>` : ''
  return htmlPage({
    title,
    css: '@page { size: A4; margin: 15mm; }',
    body: `<h1>${esc(title)}</h1>${lines.map(l => `<p class="meta">${esc(l)}</p>`).join('')}
<h2>Present</h2>${attendees}
<h2>Decisions</h2>${decisions}
<h2>Agenda items not discussed</h2>${skipped}
${notes}`,
  })
}

// ---- Word ------------------------------------------------------------------------------------

function cell(text: string, header = false): TableCell {
  return new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold: header })] })] })
}

function table(header: string[], rows: string[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: header.map(h => cell(h, true)) }), ...rows.map(r => new TableRow({ children: r.map(c => cell(c)) }))],
  })
}

export async function minutesDocx(m: Minutes): Promise<Buffer> {
  const { title, lines } = headingLines(m)
  const para = (text: string) => new Paragraph({ children: [new TextRun(text)] })
  const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) => new Paragraph({ text, heading: level })
  const children: Array<Paragraph | Table> = [
    new Paragraph({ text: title, heading: HeadingLevel.HEADING_1, alignment: AlignmentType.LEFT }),
    ...lines.map(para),
    heading('Present', HeadingLevel.HEADING_2),
    ...(m.attendees.length ? m.attendees.map(a => new Paragraph({ text: a, bullet: { level: 0 } })) : [para('None recorded.')]),
    heading('Decisions', HeadingLevel.HEADING_2),
    m.decisions.length
      ? table(['Action', 'Decision', 'Before', 'After', 'Effective', 'Reason', 'Recorded by'], m.decisions.map(d => [
        actionLabel(d), decisionWords(d), valueWords(d.field, d.before), valueWords(d.field, d.after), d.effectiveDate, d.reason ?? '', d.actor.label ?? d.actor.role,
      ]))
      : para('No decisions recorded.'),
    heading('Agenda items not discussed', HeadingLevel.HEADING_2),
    m.notDiscussed.length
      ? table(['Action', 'By whom', 'RAG', 'Flags'], m.notDiscussed.map(i => [actionLabel(i), i.byWhom, RAG_WORDS[i.rag ?? 'none'], flagWords(i)]))
      : para('Every agenda item was discussed.'),
    ...(m.meeting.notes ? [heading('Notes', HeadingLevel.HEADING_2), para(m.meeting.notes)] : []),
  ]
  const doc = new Document({
    creator: 'gridledger',
    title,
    sections: [{ properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } }, children }],
  })
  return Packer.toBuffer(doc)
}
