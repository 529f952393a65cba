import t from 'tap'
import { alignList, readPackedCell, splitActionNumber, splitDateList, splitMoneyList } from '../../src/import/actions.js'
import { looksLikePartnership, matchGridHeading, matchObjectiveMarker, matchSectionHeading, yearsIn } from '../../src/import/gridStructure.js'
import { compileRules, parseProfile } from '../../src/import/profile.js'
import { cellItems, cleanTextLine, joinWrapped } from '../../src/import/normaliseText.js'
import { readSelfAssessment } from '../../src/import/selfAssessment.js'
import { recogniseHeader, toDocLines } from '../../src/import/tables.js'
import { parsePlanDocument } from '../../src/import/index.js'

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

t.test('structure recognised by role: headings in letters, words, any case and separator; objective words; partnerships', async t => {
  t.match(matchGridHeading('SECTION A – COMMISSIONING THE TREATMENT SYSTEM'), { number: 1, title: 'COMMISSIONING THE TREATMENT SYSTEM', noun: 'Section' })
  t.match(matchGridHeading('Section C: Harm reduction'), { number: 3, title: 'Harm reduction' })
  t.match(matchGridHeading('planning grid four - aftercare'), { number: 4, title: 'aftercare' })
  t.match(matchGridHeading('Section 2 Harm reduction'), { number: 2, title: 'Harm reduction' }, 'no separator, a capitalised title')
  t.equal(matchGridHeading('Section a good idea'), null, 'a lower-case letter is prose')
  t.equal(matchGridHeading('Section 2 covers the rest'), null, 'a lower-case word after the number is prose')
  t.match(matchGridHeading('Section B'), { number: 2, title: '' })
  t.match(matchObjectiveMarker('Priority A1: Reduce drug-related deaths'), { number: 'A1', text: 'Reduce drug-related deaths' })
  t.match(matchObjectiveMarker('Aim 2.1 – Improve access'), { number: '2.1', text: 'Improve access' })
  t.match(matchObjectiveMarker('OUTCOME 3a: More in treatment'), { number: '3a', text: 'More in treatment' })
  t.match(matchObjectiveMarker('Target 4 Fewer deaths'), { number: '4', text: 'Fewer deaths' })
  t.match(matchObjectiveMarker('Objective: Unnumbered'), { number: null, text: 'Unnumbered' })
  t.equal(matchObjectiveMarker('Aim: to do better'), null, 'only "Objective" heads an objective without a number')
  t.equal(matchObjectiveMarker('Priorities for the year'), null)
  t.equal(matchObjectiveMarker('Priority 1 areas are listed below'), null)
  t.equal(matchObjectiveMarker('Target date: June 2010'), null)
  for (const name of ['ANYSHIRE DRUG & ALCOHOL ACTION TEAM', 'Anyshire DAAT', 'Anyshire Drug Action Team', 'Anyshire Safer Communities Partnership', 'Staffordshire D(A)AT', 'Anyshire D.A.A.T.']) {
    t.ok(looksLikePartnership(name), name)
  }
  for (const text of ['the partnership', 'Treatment plan 2006/07', 'This plan was agreed by the partnership board after a long consultation with providers and users']) {
    t.notOk(looksLikePartnership(text), text)
  }
})

t.test('profiles add words to the built-in ones', async t => {
  const rules = compileRules(parseProfile({ headings: { grid: ['theme'], objective: ['commitment'] }, columns: { who: ['accountable'] } }))
  t.match(matchGridHeading('Theme 3: Recovery', rules), { number: 3, title: 'Recovery', noun: 'Theme' })
  t.match(matchGridHeading('Section 2: still known', rules), { number: 2 })
  t.equal(matchGridHeading('Theme 3: Recovery'), null, 'not in the built-in profile')
  t.match(matchObjectiveMarker('Commitment 1: Do it', rules), { number: '1', text: 'Do it' })
  t.equal(recogniseHeader(toDocLines('Action\tAccountable\tWhen')[0], rules)?.roles.join(','), 'action,who,when')
  t.equal(recogniseHeader(toDocLines('Ref\tAction\tLead\tTimescale\tResources\tRAG')[0])?.roles.join(','), 'number,action,who,when,cost,rag')
  t.throws(() => parseProfile({ headings: { grid: 'theme' } }), /invalid import profile: headings.grid/)
  t.throws(() => parseProfile({ colums: {} }), /invalid import profile/)
})

t.test('a Ref column numbers the actions; Lead / Timescale / Resources / RAG are read', async t => {
  const doc = 'ANYSHIRE DRUG & ALCOHOL ACTION TEAM\nTreatment plan 2010/11\n\nSECTION A – COMMISSIONING\n\nPriority A1: Commission well\n\nRef\tAction\tLead\tTimescale\tResources\tRAG\nA1.1\tAgree the needs assessment\tDAAT Manager\tJune 2010\t£5,000\tG\nA1.2\tRetender the service\tCommissioner\tMarch 2011\tWithin resources\tA\n'
  const r = parsePlanDocument(doc)
  t.ok(r.ok)
  if (!r.ok) return
  t.equal(r.plan.partnership, 'ANYSHIRE DRUG & ALCOHOL ACTION TEAM')
  t.same([r.plan.grids[0].number, r.plan.grids[0].title], [1, 'COMMISSIONING'])
  const o = r.plan.grids[0].objectives[0]
  t.same([o.number, o.text], ['A1', 'Commission well'])
  t.same(
    o.actions.map(a => [a.number, a.text, a.byWhom, a.due, a.cost, a.rag]),
    [
      ['A1.1', 'Agree the needs assessment', 'DAAT Manager', 'June 2010', '£5,000', 'green'],
      ['A1.2', 'Retender the service', 'Commissioner', 'March 2011', 'Within resources', 'amber'],
    ],
  )
  t.notOk(r.warnings.some(w => /no recognised column/.test(w.message)), 'no cell dropped')
})
