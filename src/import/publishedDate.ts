// A publication date as a person writes it in a plan's header ("1 October 2007", "1st Oct 2007",
// "October 1, 2007", "01/10/2007" read day first as in England, "2007-10-01"), as YYYY-MM-DD.
import { DateTime } from 'luxon'

const FORMATS = ['d MMMM yyyy', 'd MMM yyyy', 'MMMM d yyyy', 'MMM d yyyy', 'd/M/yyyy', 'd.M.yyyy', 'd-M-yyyy', 'yyyy-M-d', 'd/M/yy', 'EEEE d MMMM yyyy', 'EEE d MMM yyyy']

/** The ISO date of `text`, or null when it is not one whole date (a month or a year alone is not). */
export function parsePublishedDate(text: string): string | null {
  if (text.length > 60) return null
  const t = text
    .trim()
    .replace(/[.,;]+$/, '')
    .replace(/(\d)(?:st|nd|rd|th)\b/gi, '$1')
    .replace(/,/g, ' ')
    .replace(/\s+/g, ' ')
  // English short months: "Sept" and "Sep" both seen.
  const variants = /\bsept?\b/i.test(t) ? [t.replace(/\bsept?\b/i, 'Sept'), t.replace(/\bsept?\b/i, 'Sep')] : [t]
  for (const variant of variants) {
    for (const format of FORMATS) {
      const date = DateTime.fromFormat(variant, format, { locale: 'en-GB' })
      if (date.isValid && date.year >= 1900 && date.year < 2100) return date.toISODate()
    }
  }
  return null
}
