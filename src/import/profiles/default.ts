// The built-in import profile: the words plans use for their structure. It is one profile like
// any other (a user's profile adds its words to these, key by key, and they are tried first),
// and the reader's code holds no other list of words (test/import/wordLists.test.ts checks).
//
// How words are matched:
// - columns, tables and partnership.endings hold phrases matched against a cell's or line's
//   words: a word matches a word that starts with it ("resourc" → "Resources"), a one-letter
//   word only itself; "^" anchors a phrase at the start, "$" at the end (its last word then
//   whole). header and partnership.labels are matched loosely (any order, labelFiller words).
// - every other key holds whole words, in any case; within a phrase any spaces or punctuation
//   may stand between the words ("self assessment" is also "Self-assessment"). In sections, a
//   phrase ending in "$" is a heading only alone on its line (a colon may follow).
// Month and quarter names are not here: they are dates, read by the domain's Due reader and
// the import's date readers, not structure.
import type { FullProfile } from './schema.js'

export const DEFAULT_PROFILE: FullProfile = {
  name: 'default',
  headings: {
    // "Planning grid 1", "PLANNING SECTION TWO", "Section A", "Grid 4"
    grid: ['planning grid', 'planning section', 'treatment plan grid', 'treatment plan section', 'grid', 'section'],
    // "Objective 3", "Priority A1", "Aim 2.1", "Outcome 3a", "Target 4"
    objective: ['objective', 'priority', 'aim', 'outcome', 'target', 'goal'],
    // Words that head an objective even without a number: "Objective: Reduce deaths".
    objectiveUnnumbered: ['objective'],
    // Page-number lines an extraction keeps between pages ("Page 3 of 9", "Pg. 4"): skipped.
    page: ['page', 'pg'],
    // Between a page's number and the number of pages: "Page 3 of 9".
    pageOf: ['of'],
    // Number words of headings: "PLANNING GRID ONE". (Digits, Roman numerals and letters need none.)
    numberWords: {
      one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
      eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
    },
    // Between an objective word and its number: "Objective No. 3", "Objective number 3".
    numberPrefix: ['no', 'number'],
    // A template's box numbers before a heading or a column header, dropped: "Box 3: Planned spend".
    box: ['box'],
    // After "Section 3" with no separator, words that continue a sentence ("Section 3 of the
    // guidance"): the line is prose, not a grid heading.
    continuesSentence: ['of', 'in', 'and', 'or', 'to', 'for', 'from', 'as', 'is', 'was', 'will', 'which', 'the', 'a', 'an', 'on', 'at', 'by', 'with'],
  },
  // Headings of a grid's parts, at the start of a line (after any "Box N"). What follows the words:
  // selfAssessment: the rest of the line is not kept (a line of at most 160 characters);
  // gapAnalysis, guidance (a line under 60 characters): the rest is the part's first text;
  // keyPriorities, progress: the rest is not kept; objectivesList, actions: alone on the line,
  // objectivesList words also followed by "for …" (sections.for, up to 40 characters);
  // outcomes: the rest, after a year ("for 2017-18"), is the first expected outcome;
  // note: a colon follows, and the whole line is kept as guidance;
  // spend: a budget box: up to 40 characters and a year name the figure, the amount follows.
  sections: {
    selfAssessment: ['self assessment', 'selfassessment', 'the self assessment', 'summary of self assessment', 'summary of the self assessment', 'summary of selfassessment', 'summary of the selfassessment', 'the selfassessment'],
    gapAnalysis: ['gap analysis', 'gap$', 'gaps$', 'key gap$', 'key gaps$', 'gaps analysis$', 'key gap analysis$', 'key gaps analysis$'],
    keyPriorities: ['key priorities', 'identification of key priorities', 'priorities$'],
    guidance: ['guidance'],
    objectivesList: ['objectives$', 'key objectives$'],
    outcomes: ['expected outcome', 'expected outcomes'],
    actions: ['delivery plan$', 'action plan$', 'actions and milestones$', 'action and milestones$', 'actions & milestones$', 'action & milestones$'],
    progress: [
      'progress report', 'quarterly progress report', 'update$', 'updates$', 'progress to date$', 'progress update$',
      'comments update', 'comments updates', 'comments and update', 'comments and updates',
      'other comments update', 'other comments updates', 'other comments and update', 'other comments and updates',
    ],
    note: ['note'],
    spend: ['planned spend', 'likely spend', 'actual spend', 'projected spend', 'forecast spend', 'estimated spend', 'outturn'],
    // Before what a heading is for: "Objectives for 2003/04", "Expected outcomes for 2017-18".
    for: ['for'],
  },
  // Header words of each column, in the order they are tried. A word matches a header word that
  // starts with it ("resourc" → "Resources"); "^" anchors a phrase at the header's start, "$"
  // at its end. Label lines under an action ("Lead: …") use the same words.
  columns: {
    objnum: ['objective number', 'objective no', '^obj$', '^obj no$', '^obj number$', '^objective$'],
    number: ['^ref$', '^reference$', '^ref no$', '^no$', '^number$', '^action no$', '^action number$', '^action ref$'],
    progress_action: ['action point'],
    progress: ['progress to date', '^progress', '^update', 'comment'],
    further: ['further action', 'next step'],
    spend: ['planned spend', 'likely spend', 'actual spend', 'projected spend', 'forecast spend', 'estimated spend', 'outturn', '^spend'],
    when: ['by when', '^when', 'deadline', 'due date', '^due', 'target date', 'timescale', 'time scale', 'timeframe', 'time frame', 'completion date', 'complete by', 'completed by', '^date'],
    who: ['by whom', '^who', 'lead', 'responsib', 'owner'],
    cost: ['cost', 'budget', 'resourc', 'funding', 'financ'],
    rag: ['rag', '^r a g$', '^rating$', '^status$'],
    action: ['action', 'milestone', 'task', 'activit', 'deliverable'],
  },
  // Rows of an action table that are not actions.
  rows: {
    // "Update: …" (a colon or dash follows): the progress note of the action above.
    update: ['update', 'progress', 'progress update', 'comment', 'comments'],
    // "See grid 2, objective 3": a row starting with one of these words and naming (within 120
    // characters) one of crossReferenceTo is a cross-reference, not an action.
    crossReference: ['see'],
    crossReferenceTo: ['grid', 'section', 'objective', 'action', 'actions', 'above', 'below', 'plan'],
    // Before an action's number in a progress comment: "Action 1.2 completed in May".
    actionNumber: ['action'],
  },
  // A budget figure's heading with one of these words is last year's likely spend (outturn),
  // whatever its year; otherwise its year (against the plan's) says which figure it is.
  // Matched anywhere in the heading.
  spend: {
    likely: ['likely', 'outturn', 'actual', 'forecast', 'projected', 'estimated'],
  },
  // RAG ratings: a cell holding one of these words (or letters) alone. In running text (a
  // self-assessment) only words of two letters or more, capitalised or in capitals, are read.
  rag: {
    red: ['red', 'r'],
    amber: ['amber', 'a'],
    green: ['green', 'g'],
    // After these, a rating is part of its sentence ("was Amber", "assessed as Green") and stays in it.
    ratedAfter: ['was', 'is', 'are', 'were', 'be', 'been', 'being', 'remain', 'remains', 'rated', 'as', 'assessed'],
  },
  partnership: {
    // The last words of a line naming the partnership: "Ealing DAAT", "Anyshire Drug & Alcohol Action Team".
    endings: ['daat', 'dat', 'd a a t', 'd a t', 'd a at', 'action team', 'partnership', 'board', 'council', 'commissioning group'],
    // Labels before the name: "Partnership name: Croydon".
    labels: ['partnership name', 'partnership', 'name of partnership', 'daat', 'dat'],
  },
  // Labels of the header's other "Label: value" lines: "Date published: 1 October 2007", "Title: …".
  header: {
    published: ['date published', 'published', 'publication date', 'date of publication', 'date of issue', 'issue date', 'issued'],
    title: ['title', 'plan title', 'document title', 'plan name', 'name of plan'],
    // Words a label may hold besides its phrase's: "Name of the partnership" is "partnership".
    labelFiller: ['of', 'the', 'a', 'an', 'on', 'for', 'this', 'our', 'name', 'date'],
    // A short line with one of these words and a year names the plan: "Treatment Plan 2003/04".
    titleWords: ['plan', 'planning', 'strategy'],
  },
  // Names whose "&" or "and" is part of one owner's name ("Drug & Alcohol Action Team", "Children
  // and Young People's Service", "Crime & Disorder Reduction Partnership"), not a divider between
  // owners as in "Probation & Police" or "DAT and PCT".
  owners: {
    wholeNames: [
      'drug & alcohol', 'drugs & alcohol', 'alcohol & drug', 'alcohol & drugs', 'substance misuse & alcohol',
      'children & young people', 'children & families', 'young people & families', 'crime & disorder',
      'safer & stronger', 'health & social care', 'health & wellbeing', 'education & skills', 'housing & support',
    ],
  },
  // Header words of tables that hold no actions: read as what they are where the reader knows
  // them (budgets, progress reports), otherwise left out with a warning.
  tables: {
    budget: ['planned', 'outturn', 'allocation', 'spend', 'likely'],
    selfAssessment: ['baseline', 'self assessment', 'standard', 'criteria', 'statement'],
    contacts: ['name', 'email', 'e mail', 'phone', 'telephone', 'tel', 'contact', 'address'],
    skip: [],
  },
}
