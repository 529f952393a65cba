// A "by when" text as tokens: dates, month/year pairs, financial years, numbers, words and
// single characters, found in one pass of one regular expression.

export type Token =
  | { kind: 'word'; value: string }
  | { kind: 'num'; value: string; ordinal: boolean }
  | { kind: 'punct'; value: string }
  | { kind: 'date'; year: number; month: number; day: number; twoDigitYear: boolean }
  | { kind: 'monthYear'; year: number; month: number }
  | { kind: 'fy'; first: string; second: string }
  | { kind: 'pair' }

// One pass over the normalised text; earlier alternatives win. Groups:
// 1-3 ISO date; 4-7 day, separator, month, year (the same separator twice); 8-9 month/year;
// 10-11 two numbers joined by "/" or "-" (a financial year when consecutive);
// 12-13 a number and its ordinal suffix; 14 a word; 15 any other character.
const TOKEN =
  /(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)|(\d{1,2})([/.-])(\d{1,2})\5(\d{4}|\d{2})(?![\d/])|(\d{1,2})\/(\d{4})(?!\d)|(\d{4}|\d{2})[/-](\d{4}|\d{1,2})(?![\d/])|(\d+)(st|nd|rd|th)?|([a-z]+)|(\S)/g

export function tokenize(text: string): Token[] {
  const normalised = text
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
  const tokens: Token[] = []
  for (const m of normalised.matchAll(TOKEN)) {
    if (m[1] !== undefined) {
      tokens.push({ kind: 'date', year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), twoDigitYear: false })
    } else if (m[4] !== undefined) {
      tokens.push({ kind: 'date', year: Number(m[7]), month: Number(m[6]), day: Number(m[4]), twoDigitYear: m[7].length === 2 })
    } else if (m[8] !== undefined) {
      tokens.push({ kind: 'monthYear', month: Number(m[8]), year: Number(m[9]) })
    } else if (m[10] !== undefined) {
      tokens.push(isConsecutive(m[10], m[11]) ? { kind: 'fy', first: m[10], second: m[11] } : { kind: 'pair' })
    } else if (m[12] !== undefined) {
      tokens.push({ kind: 'num', value: m[12], ordinal: m[13] !== undefined })
    } else if (m[14] !== undefined) {
      tokens.push({ kind: 'word', value: m[14] })
    } else {
      tokens.push({ kind: 'punct', value: m[15] })
    }
  }
  return tokens
}

/** "2006/07", "2005/6", "2006/2007", "06/07": the second number is the year after the first. */
function isConsecutive(first: string, second: string): boolean {
  if (second.length > first.length) return false
  const next = Number(first) + 1
  return next % 10 ** second.length === Number(second) && (second.length === first.length || first.length === 4)
}
