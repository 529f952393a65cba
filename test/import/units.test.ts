import t from 'tap'
import { alignList, readPackedCell, splitActionNumber, splitDateList, splitMoneyList } from '../../src/import/actions.js'
import { matchGridHeading, matchObjectiveMarker, matchSectionHeading, yearsIn } from '../../src/import/gridStructure.js'
import { cellItems, cleanTextLine, joinWrapped } from '../../src/import/normaliseText.js'
import { readSelfAssessment } from '../../src/import/selfAssessment.js'
import { recogniseHeader, toDocLines } from '../../src/import/tables.js'

t.test('action numbers', async t => {
  t.same(splitActionNumber('1. Establish links'), { number: '1', text: 'Establish links' })
  t.same(splitActionNumber('2.4 Deliver 480 places'), { number: '2.4', text: 'Deliver 480 places' })
  t.same(splitActionNumber('3.Delivery of support'), { number: '3', text: 'Delivery of support' })
  t.same(splitActionNumber('7. work towards'), { number: '7', text: 'work towards' })
  t.same(splitActionNumber('8.3 8.1 and 8.2 to inform'), { number: '8.3', text: '8.1 and 8.2 to inform' })
  for (const plain of ['130 vaccination completions', '50% non professionally trained', '2006/07 plan', '1,000 people', '10 x non-complex detox', '2.5% of the contract']) {
    t.same(splitActionNumber(plain), { number: null, text: plain }, plain)
  }
})

t.test('packed cells and aligned lists', async t => {
  t.same(readPackedCell('To maintain schemes. 8.1 Maintain and expand 8.2 Review 8.1 and report', '8'), {
    head: 'To maintain schemes.',
    actions: [
      { number: '8.1', text: 'Maintain and expand' },
      { number: '8.2', text: 'Review 8.1 and report' },
    ],
  })
  t.same(readPackedCell('<p>Objective</p> <p>1.1 A</p> <p>1.2 B as follows:</p> <ul><li>x</li></ul>', '1').actions, [
    { number: '1.1', text: 'A' },
    { number: '1.2', text: 'B as follows: x' },
  ])
  t.same(splitDateList('Jun 2003 Jul 2003 Oct 2003'), ['Jun 2003', 'Jul 2003', 'Oct 2003'])
  t.same(splitDateList('Sept 2003 and March 2004'), ['Sept 2003 and March 2004'])
  t.same(splitMoneyList('£35,000 £70,000'), ['£35,000', '£70,000'])
  t.same(alignList('<p>May</p><p>June</p>', 2, 'by when'), { values: ['May', 'June'], note: null })
  t.same(alignList('DAT DAT DAT', 3, 'by whom').values, ['DAT', 'DAT', 'DAT'])
  t.match(alignList('£8,000', 3, 'cost'), { values: ['£8,000', '', ''], note: /first action only/ })
  t.match(alignList('JCG', 2, 'by whom'), { values: ['JCG', 'JCG'], note: /given to each/ })
  t.match(alignList('<p>a</p><p>b</p>', 3, 'by when'), { values: ['a', 'b', ''], note: /aligned in order/ })
  t.match(alignList('Oct 2003', 0, 'by when'), { values: [], note: /no action/ })
})

t.test('text cleaning', async t => {
  t.equal(cleanTextLine('## **Planning grid 3: User involvement**'), 'Planning grid 3: User involvement')
  t.equal(cleanTextLine('- \u2718 No common referral system'), '- No common referral system')
  t.equal(cleanTextLine('in line with *Models of care update 2005* with'), 'in line with Models of care update 2005 with')
  t.equal(cleanTextLine('Costs&nbsp;&amp;&#160;budget &pound;5 &#x2013; &lt;b&gt;x&lt;/b&gt;'), 'Costs & budget £5 – x')
  t.same(cellItems('<p>May 2003</p> <p>Oct 2003</p>'), ['May 2003', 'Oct 2003'])
  t.equal(joinWrapped('multi', '-disciplinary'), 'multi-disciplinary')
  t.equal(joinWrapped('via subcontracts', '.'), 'via subcontracts.')
  t.equal(joinWrapped('ARS steering', 'group/PM'), 'ARS steering group/PM')
})

t.test('headings', async t => {
  t.match(matchGridHeading('PLANNING GRID ONE: Tier One – Non-drug'), { number: 1, title: 'Tier One – Non-drug' })
  t.match(matchGridHeading('Planning Section 2: Maintaining access'), { number: 2, title: 'Maintaining access', noun: 'Planning section' })
  t.match(matchGridHeading('Section 3 – Harm reduction'), { number: 3, title: 'Harm reduction' })
  t.equal(matchGridHeading('Section 3 of the guidance says so'), null)
  t.equal(matchGridHeading('This grid replaces grid 7 from the 2005/6 plan'), null)
  t.equal(matchGridHeading('Section 2.3: sub-section'), null)
  t.match(matchObjectiveMarker('Objective 1 - Finalise the strategy'), { number: '1', text: 'Finalise the strategy' })
  t.match(matchObjectiveMarker('Objective 3 – Review impact'), { number: '3', text: 'Review impact' })
  t.equal(matchObjectiveMarker('Objectives for 2003/04'), null)
  t.equal(matchObjectiveMarker('Objective setting is hard'), null)
  t.match(matchSectionHeading('Box 2: Objectives for 2003/04'), { kind: 'objectives_list' })
  t.match(matchSectionHeading('Box 3: Planned Spend 2002/03'), { kind: 'spend', label: 'Planned Spend 2002/03' })
  t.match(matchSectionHeading('Expected outcomes 2017-18:'), { kind: 'outcomes', rest: '' })
  t.match(matchSectionHeading('Expected outcomes: Better access'), { kind: 'outcomes', rest: 'Better access' })
  t.match(matchSectionHeading('Other Comments/Updates:'), { kind: 'progress' })
  t.same(yearsIn('Plan 2006/7, 2017-18, 2017/2018, 2006/08'), ['2006/07', '2017/18', '2017/18'])
})

t.test('table rows and headers', async t => {
  const lines = toDocLines('a\tb\n|x |y |\n|one cell|\nA | B | C\n<tr><td>1</td><td>2</td></tr><tr><td>3</td></tr>')
  t.same(
    lines.map(l => [l.line, l.kind, l.texts]),
    [
      [1, 'row', ['a', 'b']],
      [2, 'row', ['x', 'y']],
      [3, 'text', []],
      [4, 'row', ['A', 'B', 'C']],
      [5, 'row', ['1', '2']],
      [5, 'row', ['3']],
    ],
  )
  const header = (cells: string) => recogniseHeader(toDocLines(cells)[0])
  t.match(header('Box 6 Objective number and action number\tBox 7: Actions/Milestones\tBox 8: By When\tBox 9: By Whom\tBox 10: Costs'), {
    kind: 'actions',
    roles: ['objnum', 'action', 'when', 'who', 'cost'],
  })
  t.match(header('|Key milestones |By when |By whom |RAG |'), { kind: 'actions', roles: ['action', 'when', 'who', 'rag'] })
  t.match(header('Action Point\tProgress to date\tFurther Action'), { kind: 'progress', roles: ['progress_action', 'progress', 'further'] })
  t.match(header('\tBox 3: Planned Spend 2002/03\tBox 4: Likely spend 2002/03\tBox 5: Planned spend 2003/04'), { kind: 'budget' })
  t.equal(header('Advice & Information\t379,710\t379,710\t391,850'), null)
})

t.test('self-assessment ratings', async t => {
  const warnings: Array<{ line: number; message: string }> = []
  const r = readSelfAssessment(
    [
      { line: 1, text: 'Partnership has a strategy for carers Amber', paragraphStart: true },
      { line: 3, text: 'Workforce strategy needs further development', paragraphStart: true },
      { line: 5, text: '- Amber', paragraphStart: true },
      { line: 7, text: 'Services are linked with the British Red Cross and others in the borough', paragraphStart: true },
      { line: 9, text: 'The overall assessment in March 05 was Green', paragraphStart: true },
    ],
    warnings,
  )
  t.same(
    r.statements.map(s => [s.statement, s.rag, s.line]),
    [
      ['Partnership has a strategy for carers', 'amber', 1],
      ['Workforce strategy needs further development', 'amber', 3],
      ['The overall assessment in March 05 was Green', 'green', 9],
    ],
  )
  t.same(r.narrative, [{ text: 'Services are linked with the British Red Cross and others in the borough', line: 7 }])
})
