// How profile phrases match header words: a word matches by its start ("resourc" → "Resources"),
// but a phrase's last word before "$" must be the whole word, so "^no$" names a column headed
// "No" or "No." and not one headed "Notes".
import t from 'tap'
import { DEFAULT_RULES } from '../../src/import/profile.js'

t.test('an anchored phrase is the whole header, its last word whole', async t => {
  for (const header of ['No', 'No.', 'Ref', 'Ref.', 'Reference', 'Ref No', 'Action no', 'RAG', 'R A G', 'Status']) {
    t.not(DEFAULT_RULES.columnOf(header), null, `"${header}" names a column`)
  }
  t.equal(DEFAULT_RULES.columnOf('No')?.role, 'number')
  t.equal(DEFAULT_RULES.columnOf('Ref.')?.role, 'number')
  t.equal(DEFAULT_RULES.columnOf('Status')?.role, 'rag')
  for (const header of ['Notes', 'Nominated officer', 'Referrals', 'Statutory duty', 'Ratings agency']) {
    const found = DEFAULT_RULES.columnOf(header)
    t.notOk(found && ['number', 'rag'].includes(found.role), `"${header}" is not taken for ${found?.role} by a prefix of an anchored word`)
  }
  t.equal(DEFAULT_RULES.columnOf('Notes'), null, '"Notes" names no column')
  t.equal(DEFAULT_RULES.columnOf('Resources')?.role, 'cost', 'an unanchored word still matches by its start')
})
