// Progress reports: rows of a progress table (action point | progress to date | further action)
// and "1.2 …" comment lines, each matched to one action of the grid by number or by its words.
import { splitActionNumber } from '../actions.js'
import { joinWrapped } from '../normaliseText.js'
import type { ColumnRole, DocLine } from '../tables.js'
import { short, startsLower, type ActionDraft, type ProgressDraft } from './drafts.js'
import type { PlanBuilder } from './planBuilder.js'
import { perRules, wordsPattern } from '../profile.js'

/**
 * Grids with more actions than this are matched by action number only: matching a progress
 * row's words compares it with every action, and no real grid comes near this many.
 */
const MAX_ACTIONS_MATCHED_BY_TEXT = 500

function findAction(b: PlanBuilder, point: string, line: number): ActionDraft | null {
  const grid = b.currentGrid
  const lead = splitActionNumber(point)
  const bare = /^(\d{1,3}(?:\.\d{1,3}){0,3})\.?$/.exec(point.trim())
  const number = lead.number ?? (bare ? bare[1] : null)
  if (number) {
    const inObjective = b.objective?.byNumber.get(number) ?? []
    const byNumber = inObjective.length === 1 ? inObjective : (grid.byNumber.get(number) ?? [])
    if (byNumber.length === 1) return byNumber[0]
    if (byNumber.length > 1) {
      b.warn(line, `progress for action ${number}: ${byNumber.length} actions in grid ${grid.number} have that number; not recorded`)
      return null
    }
  }
  const words = (lead.number ? lead.text : point).toLowerCase().slice(0, 60)
  if (words.length >= 12) {
    if (grid.actions.length > MAX_ACTIONS_MATCHED_BY_TEXT) {
      b.warn(line, `grid ${grid.number} has more than ${MAX_ACTIONS_MATCHED_BY_TEXT} actions: progress rows are matched by action number only`)
      return null
    }
    let found: ActionDraft | null = null
    for (const a of grid.actions) {
      const text = a.text.slice(0, 60).toLowerCase()
      if (!text.startsWith(words) && !words.startsWith(text)) continue
      if (found) return null
      found = a
    }
    return found
  }
  return null
}

function attachProgress(b: PlanBuilder, action: ActionDraft, note: string, further: string, line: number): ProgressDraft {
  if (action.progress) {
    b.warn(line, `a second progress entry for action ${action.number ?? `"${short(action.text, 30)}"`}: added to the first`)
    action.progress.note = joinWrapped(action.progress.note, note)
    action.progress.further = joinWrapped(action.progress.further, further)
    return action.progress
  }
  action.progress = { note, further, line }
  return action.progress
}

export function progressRow(b: PlanBuilder, l: DocLine, texts: string[]): void {
  const roles = b.table!.roles
  const at = (role: ColumnRole, fallback: number) => {
    const i = roles.indexOf(role)
    return texts[i >= 0 ? i : fallback] ?? ''
  }
  const point = at('progress_action', 0)
  const note = at('progress', 1)
  const further = at('further', 2)
  if (!point && b.lastProgress) {
    b.lastProgress.note = joinWrapped(b.lastProgress.note, note)
    b.lastProgress.further = joinWrapped(b.lastProgress.further, further)
    return
  }
  if (!note) {
    b.warn(l.line, `progress row "${short(l.text)}" has no progress to date; not recorded`)
    return
  }
  const action = findAction(b, point, l.line)
  if (!action) {
    b.warn(l.line, `progress row for "${short(point, 40)}" matches no single action; not recorded`)
    b.lastProgress = null
    return
  }
  b.lastProgress = attachProgress(b, action, note, further, l.line)
}

/** "1.2 Done in May", "Action 1.2: done" (the words before the number: the profile's rows.actionNumber). */
const commentRegex = perRules(rules => new RegExp(`^(?:(?:${wordsPattern(rules.profile.rows.actionNumber)})\\s*)?(\\d{1,3}(?:\\.\\d{1,3}){0,3})[.:)]?\\s+(.+)$`, 'iu'))

/** A line of running text under a progress heading: "1.2 Done in May" or a wrapped line of the last note. */
export function progressComment(b: PlanBuilder, t: string, line: number): void {
  if (b.lastProgress && !b.blankBefore && startsLower(t)) {
    b.lastProgress.note = joinWrapped(b.lastProgress.note, t)
    return
  }
  const m = commentRegex(b.rules).exec(t)
  const action = m ? findAction(b, m[1], line) : null
  if (m && action) {
    b.lastProgress = attachProgress(b, action, m[2].trim(), '', line)
    return
  }
  b.lastProgress = null
  b.warn(line, `comment "${short(t)}" names no action of grid ${b.currentGrid.number}; not recorded`)
}
