// The built-in import profile: the words plans use for their structure. It is one profile like
// any other (a user's profile adds to it), and the reader holds no other list of words.
import type { ImportProfile } from './schema.js'

export const DEFAULT_PROFILE: ImportProfile = {
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
  },
  // Header words of each column, in the order they are tried. A word matches a header word that
  // starts with it ("resourc" → "Resources"); "^" anchors a phrase at the header's start, "$"
  // at its end.
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
