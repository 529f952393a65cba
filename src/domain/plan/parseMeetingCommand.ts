// The edge for meeting commands: a meeting's date, title, providers in scope and attendees, or
// a ValidationError naming every bad field.
import type { CloseMeeting, CreateMeeting } from '../commands.js'
import { ValidationError } from '../errors.js'
import { MAX_SHORT_TEXT } from '../limits.js'
import { requireCalendarDate } from '../values/calendarDate.js'
import { optionalText, ownerList, parseFields, text } from './fields.js'
import type { ParsedCloseMeeting, ParsedCreateMeeting } from './parsedCommand.js'

/** Longest id a command may name (as the API's ids). */
export const MAX_ID = 100
/** People listed as present at one meeting. */
export const MAX_ATTENDEES = 100
export const DEFAULT_MEETING_TITLE = 'Contract monitoring meeting'

export function parseMeetingCommand(command: CreateMeeting | CloseMeeting): ParsedCreateMeeting | ParsedCloseMeeting {
  if (command.type === 'CloseMeeting') {
    return { type: 'CloseMeeting', meetingId: command.meetingId, notes: optionalText(command.notes, 'notes') }
  }
  const f = parseFields({
    // A meeting may be created ahead of its date (to prepare the agenda): any real date.
    date: () => {
      if (typeof command.date !== 'string') throw ValidationError.field('date', 'is required, as YYYY-MM-DD')
      return requireCalendarDate(command.date, 'date')
    },
    title: () => optionalText(command.title, 'title', MAX_SHORT_TEXT) ?? DEFAULT_MEETING_TITLE,
    owners: () => ownerList(command.owners, 'owners'),
    attendees: () => attendees(command.attendees),
  })
  return { type: 'CreateMeeting', meetingId: command.meetingId, ...f }
}

function attendees(value: unknown): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw ValidationError.field('attendees', 'must be a list of names')
  if (value.length > MAX_ATTENDEES) throw ValidationError.field('attendees', `must name at most ${MAX_ATTENDEES} people, got ${value.length}`)
  return value.map((v, i) => text(v, `attendees.${i}`, { max: MAX_SHORT_TEXT }))
}
