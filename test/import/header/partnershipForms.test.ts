// The partnership named as people name it (issue 19): each form, on a header line among others
// (a part heading above it, the title below), is the plan's partnership, as written, with the
// dry run's rule saying which profile word or label named it, and no guess warned about.
import t from 'tap'
import { parsePlanDocument } from '../../../src/import/index.js'

const FORMS: Array<[string, string, RegExp]> = [
  ['Northmoor Drug & Alcohol Action Team', 'Northmoor Drug & Alcohol Action Team', /partnership ending "action team"/],
  ['NORTHMOOR DRUG AND ALCOHOL ACTION TEAM', 'NORTHMOOR DRUG AND ALCOHOL ACTION TEAM', /partnership ending "action team"/],
  ['Northmoor DAAT', 'Northmoor DAAT', /partnership ending "daat"/],
  ['Northmoor Drug Action Team', 'Northmoor Drug Action Team', /partnership ending "action team"/],
  ['Partnership name: Northmoor', 'Northmoor', /"label: value" line whose label is the profile's "partnership name"/],
  ['Northmoor Safer Communities Partnership', 'Northmoor Safer Communities Partnership', /partnership ending "partnership"/],
  ['Northmoor Community Safety Partnership', 'Northmoor Community Safety Partnership', /partnership ending "partnership"/],
  ['Northmoor DAT', 'Northmoor DAT', /partnership ending "dat"/],
]

for (const [line, partnership, rule] of FORMS) {
  t.test(`"${line}" names the partnership`, async t => {
    const text = ['Part 3: Planning grids', '', line, '', 'Adult drug treatment plan 2011/12', '', 'Grid 1: Adult treatment', 'Objective 1: Fewer deaths', 'Action\tLead\tTimescale', 'Train hostel staff in naloxone\tCompass\tJune 2011', ''].join('\n')
    const r = parsePlanDocument(text)
    t.ok(r.ok, r.ok ? 'read' : r.reason)
    if (!r.ok) return
    t.equal(r.plan.partnership, partnership)
    t.notOk(r.warnings.some(w => /partnership/.test(w.message)), 'no guess warned about')
    t.match(r.recognised.filter(x => x.element === 'partnership'), [{ line: 3, rule }], 'the dry run names line 3 and the rule')
  })
}

t.test('a line that names no partnership is taken only as a warned guess', async t => {
  const r = parsePlanDocument(['Northmoor', '', 'Adult drug treatment plan 2011/12', '', 'Grid 1: Adult treatment', 'Objective 1: Fewer deaths', 'Action\tLead\tTimescale', 'Train staff\tCompass\tJune 2011', ''].join('\n'))
  t.ok(r.ok)
  if (!r.ok) return
  t.equal(r.plan.partnership, 'Northmoor')
  t.match(r.warnings, [{ line: 1, message: /no line names a DAT, DAAT or partnership; took "Northmoor"/ }])
  t.match(r.recognised.filter(x => x.element === 'partnership'), [{ line: 1, rule: /the first short line .* naming no year/ }])
})
