// "By when" as people write it, and the due period it names where one can be derived.
//
// The words are always kept exactly as given; `from`/`to` (inclusive Europe/London calendar
// dates, YYYY-MM-DD) are derived only where the words name a period. Nothing here invents a
// date: words that name no period ("Ongoing", "Quarterly", "As required", "See grid 3", "TBC"),
// or that are ambiguous ("Q1 2008": calendar or financial quarter?), or that hold an impossible
// date ("31/06/2006"), derive null/null.
//
// Rules (the plan's financial year gives context):
// - A month with a year ("April 2006", "Apr 2003", "September 06", "April06", "Sept '06",
//   "04/2006") is that calendar month. A month without a year is its occurrence inside the plan
//   year (April–December → start year, January–March → the year after). Month names may be
//   full, three-letter, "Sept", or misspelt ("Spetmeber", "Febuary", "Decmber": an edit distance
//   of at most 2 for the long names, 1 for "April"; "May", "June", "July" and "March" must be
//   spelt right, since "done", "only" or "match" are one or two edits away). A bare "May" or
//   "March" without a year counts only when the text says nothing else ("As may be required" is
//   not May).
// - A number after a month name is a year ("September 06" is 2006; the century is the one
//   nearest the plan year); a number before it is a day ("30 June 2006"). "June 30, 2006" (a day
//   then a four-digit year) is read as a day too. Numeric dates are UK day/month order
//   ("30/06/2006", "30/06/06"); ISO dates ("2006-06-30") are read as such.
// - A financial year ("2006/07", "2005/6", "2006-2007", "06/07", "(07-08)") is 1 April to 31
//   March. Two numbers joined by "/" or "-" that are not consecutive years name nothing.
// - Quarters ("Qtr 1", "Qtr1", "Q1", "Quarter 1", "1st quarter", "Qtr 1 and 2", "Q1 to Q4",
//   "Qtrs 1-4") are financial quarters of the plan year, or of the financial year written right
//   after them ("Qtr 4 (07-08)", "Q1 2017/18"). A quarter followed by a bare calendar year
//   ("Q1 2008") is ambiguous and derives null/null.
// - Several periods: from = the start of the earliest, to = the end of the latest ("Sept 2003 and
//   March 2004", "Apr 2003- Dec 2003", "Q1 to Q4 from April 2017").
// - "By …", "Before …", "Until …", "End of …" in front of the first period: from = the plan
//   year's start, to = the end of the period ("By Qtr 3", "By end of March 2007"); when the
//   period ends before the plan year starts, from = the period's own start.
// - "End of year", "Year end", "By year end": read as "by the end of the plan year", i.e. the
//   whole plan year; "Year end 2007/08" is by the end of that financial year.
// - Open-ended: "From April 2006" (a single period after from/since/starting/commencing), or a
//   period followed by "on-going", "ongoing", "onwards" or "and beyond" ("April 2006 on-going",
//   "April 2017 and ongoing"): from = the start of the (earliest) period, to = null. Work that
//   continues has a start but no due end.
// - A bare calendar year ("2006") names no due period and is ignored; so are stray numbers.
import type { FinancialYear } from './financialYear.js'
import type { Due } from './types.js'
import { Unclear } from './due/lookahead.js'
import { DueReader } from './due/reader.js'
import { tokenize } from './due/tokens.js'

// The reading is split along its seams: due/tokens.ts (the text as tokens), due/words.ts (month
// names and the small vocabularies), due/periods.ts (days, months, quarters as dates),
// due/lookahead.ts (what follows a month or a quarter), due/reader.ts (the left-to-right reading).

/** Keeps `text` exactly as given (no trimming of the stored text), and derives from/to (YYYY-MM-DD, inclusive) where the words name a period in or around the plan's financial year `year`; null/null where no single due period can be derived. Never invents a date. */
export function deriveDue(text: string, year: FinancialYear): Due {
  try {
    const { from, to } = new DueReader(tokenize(text), year).read()
    return { text, from, to }
  } catch (e) {
    if (e instanceof Unclear) return { text, from: null, to: null }
    throw e
  }
}
