// Actions written without a table: a paragraph (a bullet, "1.1.1 …") followed by label lines
// naming its cells — "Lead: …", "Timescale: …", "Cost: …", "RAG: …", one a line or several on
// one line separated by ";" or "|". The labels are the profile's column words, so a plan that
// heads its table "Lead" labels its lines the same way.
import { normaliseWords, type ImportRules } from '../profile.js'

export type LabelledRole = 'number' | 'when' | 'who' | 'cost' | 'rag'

const LABELLED_ROLES: ReadonlySet<string> = new Set<LabelledRole>(['number', 'when', 'who', 'cost', 'rag'])

export interface LabelledField {
  role: LabelledRole
  value: string
  /** The label as written and the profile phrase that recognised it: for warnings and the dry run. */
  label: string
  phrase: string
}

/** "Lead officer: value": a short label of words, a colon, its value. */
const LABEL = /^([\p{L}][\p{L}\s'’()/&.]{0,40}?)\s*:\s*(.*)$/u
const MAX_LABEL_WORDS = 4

/**
 * The fields of a label line, or null when the line is not one: its first part must be a label
 * the profile knows as a cell of an action (by when, by whom, cost, RAG, number). A part that
 * is not a label ("Lead: Compass; CRI") belongs to the value before it.
 */
export function labelledFields(text: string, rules: ImportRules): LabelledField[] | null {
  if (text.length > 1000 || !text.includes(':')) return null
  const fields: LabelledField[] = []
  for (const part of text.split(/([;|])/)) {
    if (part === ';' || part === '|') {
      if (fields.length) fields[fields.length - 1].value += part
      continue
    }
    const m = LABEL.exec(part.trim())
    const found = m && normaliseWords(m[1]).length <= MAX_LABEL_WORDS ? rules.columnOf(m[1]) : null
    if (m && found && LABELLED_ROLES.has(found.role)) {
      fields.push({ role: found.role as LabelledRole, value: m[2].trim(), label: m[1].trim(), phrase: found.phrase })
      continue
    }
    if (fields.length === 0) return null
    fields[fields.length - 1].value += part
  }
  for (const f of fields) f.value = f.value.replace(/[;|]\s*$/, '').trim()
  return fields.length ? fields : null
}

/** "Actions:", "Milestones:" — the action column's word alone, heading the actions that follow. */
export function isActionsHeading(text: string, rules: ImportRules): boolean {
  const m = /^([\p{L}][\p{L}\s&]{0,40}):$/u.exec(text)
  return !!m && rules.columnOf(m[1])?.role === 'action'
}

/** A paragraph's bullet: "• ", "- ", "o ", "* ", "– ". */
export function withoutBullet(text: string): string {
  return text.replace(/^(?:[•◦‣∙·*o\-–—]\s+)/u, '')
}
