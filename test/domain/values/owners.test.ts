import t from 'tap'
import fc from 'fast-check'
import { normaliseOwners, sameOwner, splitOwners } from '../../../src/domain/values/owners.js'

/** [by whom cell, owner labels] */
type Case = [string, string[]]

/** The one assertion the table tests need (tap's root and its subtests both have it). */
type Asserts = Pick<typeof t, 'strictSame'>

function check(t: Asserts, cases: Case[]): void {
  for (const [text, owners] of cases) t.strictSame(splitOwners(text), owners, JSON.stringify(text))
}

t.test('every "By whom" example in the domain primer and the brief', async t => {
  check(t, [
    ['ICM', ['ICM']],
    ['DM', ['DM']],
    ['ICM/ DM', ['ICM', 'DM']],
    ['DAAT Manager & Commissioner', ['DAAT Manager', 'Commissioner']],
    ['CNWL', ['CNWL']],
    ['Turning Point/Probation', ['Turning Point', 'Probation']],
    ['JCG', ['JCG']],
    ['Training Sub Group', ['Training Sub Group']],
    ['Diana Lee', ['Diana Lee']],
    ['CNWL & SLAM', ['CNWL', 'SLAM']],
    ['ICM, DM and JCG', ['ICM', 'DM', 'JCG']],
    ['DM/dm', ['DM']],
    ['', []],
  ])
})

t.test('whitespace: trimmed, tabs and runs collapsed, empty parts dropped', async t => {
  check(t, [
    ['  ICM  ', ['ICM']],
    ['\tICM \t/\tDM  ', ['ICM', 'DM']],
    ['Turning   Point /  Probation', ['Turning Point', 'Probation']],
    ['   ', []],
    ['/', []],
    ['ICM//DM', ['ICM', 'DM']],
    ['ICM, , DM,', ['ICM', 'DM']],
  ])
})

t.test('every separator', async t => {
  check(t, [
    ['A1/B1', ['A1', 'B1']],
    ['A1 & B1', ['A1', 'B1']],
    ['A1 and B1', ['A1', 'B1']],
    ['A1 AND B1', ['A1', 'B1']],
    ['A1, B1', ['A1', 'B1']],
    ['A1; B1', ['A1', 'B1']],
    ['A1\nB1', ['A1', 'B1']],
    ['A1\r\nB1', ['A1', 'B1']],
    ['A1\tand\tB1', ['A1', 'B1']],
    ['A1 | B1', ['A1', 'B1']],
  ])
})

t.test('cells as a person lists their owners (issue 19)', async t => {
  // Hand counts: two owners each.
  check(t, [
    ['Acute Trust | PCT', ['Acute Trust', 'PCT']],
    ['DAT / PCT', ['DAT', 'PCT']],
    ['Probation & Police', ['Probation', 'Police']],
    ['DAAT Co-ordinator, Commissioning Manager', ['DAAT Co-ordinator', 'Commissioning Manager']],
  ])
})

t.test('"and" inside words is not a separator', async t => {
  check(t, [
    ['Training Standards Group', ['Training Standards Group']],
    ['Brand Manager', ['Brand Manager']],
    ['Andover Team and Sandwell', ['Andover Team', 'Sandwell']],
    ['Standards and Brand Team', ['Standards', 'Brand Team']],
    ['Command', ['Command']],
    ['and', ['and']],
  ])
})

t.test('duplicates: case-insensitive, first spelling and order kept', async t => {
  check(t, [
    ['DM/dm', ['DM']],
    ['dm/DM', ['dm']],
    ['ICM/DM/ICM', ['ICM', 'DM']],
    ['Turning Point/turning  point/Probation', ['Turning Point', 'Probation']],
    ['DAT DAT DAT', ['DAT DAT DAT']],
  ])
})

t.test('one-letter abbreviations and brackets hold together', async t => {
  check(t, [
    ['A&E Lead/DM', ['A&E Lead', 'DM']],
    ['P/T Assistant Commissioner', ['P/T Assistant Commissioner']],
    ['Public Health substance misuse team (adults & C&YP)', ['Public Health substance misuse team (adults & C&YP)']],
    ['ICM/ (Pharmacy Worker )', ['ICM', 'Pharmacy Worker']],
    ['Pharmacy Worker )', ['Pharmacy Worker']],
    ['(DM', ['DM']],
    ['Lead (interim)', ['Lead (interim)']],
    ['DAAT Project Officer - Communities', ['DAAT Project Officer - Communities']],
    ['Officer -', ['Officer']],
  ])
})

t.test('Ealing 2006/07 by-whom cells', async t => {
  check(t, [
    ['ICM/ HDA', ['ICM', 'HDA']],
    ['DIP PM', ['DIP PM']],
    ['DM/ ICM', ['DM', 'ICM']],
    ['DIP ITM', ['DIP ITM']],
    ['PK / AJ', ['PK', 'AJ']],
    ['SM/', ['SM']],
    ['SM/PK', ['SM', 'PK']],
    ['Training providers', ['Training providers']],
    ['Institute of Psychiatry', ['Institute of Psychiatry']],
    ['UCEW/ICM/HDA', ['UCEW', 'ICM', 'HDA']],
    ['UCEW/DIP M', ['UCEW', 'DIP M']],
    ['ICM/BM/ Partnership', ['ICM', 'BM', 'Partnership']],
    ['DIP M/ HDA', ['DIP M', 'HDA']],
    ['DM/partner organisations', ['DM', 'partner organisations']],
    ['ICM/ BM/ DIP', ['ICM', 'BM', 'DIP']],
    ['CNWL/ DM', ['CNWL', 'DM']],
    ['DM and Care Management team', ['DM', 'Care Management team']],
    ['Panel chair', ['Panel chair']],
    ['Police/CERT manager/PM', ['Police', 'CERT manager', 'PM']],
    ['Probation SPO/PM/ROB', ['Probation SPO', 'PM', 'ROB']],
    ['PM/Equinox After-care manager', ['PM', 'Equinox After-care manager']],
    ['Equinox/PM/Probation', ['Equinox', 'PM', 'Probation']],
    ['PM/Equinox/probation', ['PM', 'Equinox', 'probation']],
    ['ARS steering\ngroup/PM', ['ARS steering', 'group', 'PM']],
  ])
})

t.test('Slough 2009/10 by-whom cells', async t => {
  check(t, [
    ['DAAT Harm Reduction Officer & DAAT Project Officer', ['DAAT Harm Reduction Officer', 'DAAT Project Officer']],
    ['T2, DAAT Manager & Commissioner, DAAT Harm Reduction Officer', ['T2', 'DAAT Manager', 'Commissioner', 'DAAT Harm Reduction Officer']],
    ['DAAT Harm Reduction Officer, Turning Point Service Manager', ['DAAT Harm Reduction Officer', 'Turning Point Service Manager']],
    [
      'Service User Representatives, DAAT Manager & Commissioner, DAAT Harm Reduction Officer, Ambulance Lead',
      ['Service User Representatives', 'DAAT Manager', 'Commissioner', 'DAAT Harm Reduction Officer', 'Ambulance Lead'],
    ],
    ['DAAT Manager & Commissioner & Deputy LPA Commander', ['DAAT Manager', 'Commissioner', 'Deputy LPA Commander']],
    ['Berkshire East JCG', ['Berkshire East JCG']],
    ['Thames valley Probation Senior Probation Partnership Officer', ['Thames valley Probation Senior Probation Partnership Officer']],
    // "&" always separates, even where the words were one role
    ['DAAT Contracts & Performance Officer', ['DAAT Contracts', 'Performance Officer']],
  ])
})

t.test('Staffordshire 2003/04 and Doncaster 2017/18 by-whom cells', async t => {
  check(t, [
    ['Training/ Accom Group', ['Training', 'Accom Group']],
    ['SCMG/JCG/ TMG', ['SCMG', 'JCG', 'TMG']],
    ['Serv Re – design Mgr/JCG', ['Serv Re – design Mgr', 'JCG']],
    ['JCG/Contract Monitoring', ['JCG', 'Contract Monitoring']],
    ['V Legg/ LPCs', ['V Legg', 'LPCs']],
    ["'Dual Diagnosis' Project Group", ["'Dual Diagnosis' Project Group"]],
    ['Jo Marsh Models of Care Sub Group', ['Jo Marsh Models of Care Sub Group']],
    ['/Aspire Service Manager', ['Aspire Service Manager']],
    ['PH substance misuse team/ /Aspire team', ['PH substance misuse team', 'Aspire team']],
    ['RDASH/Aspire performance management meeting', ['RDASH', 'Aspire performance management meeting']],
    ['Aspire', ['Aspire']],
  ])
})

t.test('normaliseOwners: one label each, never split', async t => {
  t.strictSame(normaliseOwners(['ICM', ' DM ', 'icm']), ['ICM', 'DM'])
  t.strictSame(normaliseOwners(['Turning\tPoint', 'turning point', 'Probation']), ['Turning Point', 'Probation'])
  t.strictSame(normaliseOwners(['ICM/ DM', 'DAAT Manager & Commissioner']), ['ICM/ DM', 'DAAT Manager & Commissioner'])
  t.strictSame(normaliseOwners(['', '   ', '\n']), [])
  t.strictSame(normaliseOwners([]), [])
  t.strictSame(normaliseOwners(['b', 'A', 'a', 'B']), ['b', 'A'])
})

t.test('sameOwner', async t => {
  t.ok(sameOwner('DM', 'dm'))
  t.ok(sameOwner(' Turning  Point ', 'turning point'))
  t.ok(sameOwner('DAAT\tManager', 'DAAT Manager'))
  t.notOk(sameOwner('DM', 'D M'))
  t.notOk(sameOwner('DM', 'ICM'))
  t.notOk(sameOwner('DIP M', 'DIP PM'))
  t.ok(sameOwner('', '  '))
})

t.test('properties', async t => {
  const label = fc.string({ minLength: 0, maxLength: 12 })
  fc.assert(
    fc.property(fc.array(label, { maxLength: 8 }), labels => {
      const out = normaliseOwners(labels)
      const keys = out.map(o => o.toLowerCase())
      return (
        out.every(o => o.length > 0 && o === o.trim() && !/\s\s/.test(o) && !/[\t\n\r]/.test(o)) &&
        new Set(keys).size === keys.length &&
        labels.every(l => l.trim() === '' || out.some(o => sameOwner(o, l))) &&
        JSON.stringify(normaliseOwners(out)) === JSON.stringify(out)
      )
    }),
  )
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), s => {
      const out = splitOwners(s)
      return (
        out.every(o => o.length > 0 && o === o.trim() && !/\s\s/.test(o)) &&
        new Set(out.map(o => o.toLowerCase())).size === out.length &&
        JSON.stringify(normaliseOwners(out)) === JSON.stringify(out)
      )
    }),
    { numRuns: 2000 },
  )
  t.pass('properties hold')
})

t.test('names the caller marks whole keep their "&" and "and"', async t => {
  const wholeNames = /(?:drugs?\s*(?:&|and)\s*alcohol|children\s*(?:&|and)\s*young\s*people)(?![\p{L}\p{N}])/iuy
  t.same(splitOwners('Drug & Alcohol Action Team', { wholeNames }), ['Drug & Alcohol Action Team'])
  t.same(splitOwners('Drug and Alcohol Action Team / PCT', { wholeNames }), ['Drug and Alcohol Action Team', 'PCT'])
  t.same(splitOwners('Probation & Police, drugs & alcohol team and Children and Young People Service', { wholeNames }), [
    'Probation',
    'Police',
    'drugs & alcohol team',
    'Children and Young People Service',
  ])
  t.same(splitOwners('Drug & Alcoholics Anonymous', { wholeNames }), ['Drug', 'Alcoholics Anonymous'], 'a whole name ends at a word\'s end')
  t.same(splitOwners('Drug & Alcohol Action Team'), ['Drug', 'Alcohol Action Team'], 'without whole names "&" divides, as before')
})
