// Monitoring meetings on the plan decider, given/when/then: create, close, decisions naming a
// meeting (open, of this plan, held by today; its date the default effective date), and the
// verdicts on a provider's RAG proposal.
import t from 'tap'
import type { Principal } from '../../src/domain/actor.js'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.js'
import type { PlanEvent } from '../../src/domain/events.js'
import { given } from './support/givenWhenThen.js'

const P = 'plan-1'
const provider: Principal = { tokenId: 'tok-p', role: 'provider', label: 'CNWL system', owners: ['cnwl'] }
const ids = { planId: P, gridId: 'g1', objectiveId: 'o1', actionId: 'a1' }
const plan: PlanEvent[] = [
  { type: 'PlanCreated', data: { planId: P, partnership: 'Ealing DAAT', year: '2008/09', title: 'Adult drug treatment plan 2008/09' } },
  { type: 'GridAdded', data: { planId: P, gridId: 'g1', number: 1, title: 'Harm reduction' } },
  { type: 'ObjectiveAdded', data: { planId: P, gridId: 'g1', objectiveId: 'o1', number: '1', text: 'Reduce drug related deaths', outcomes: [] } },
  {
    type: 'ActionAdded',
    data: { ...ids, number: '1.1', text: 'Train staff in naloxone', due: { text: 'Qtr 2', from: '2008-07-01', to: '2008-09-30' }, owners: ['CNWL'], cost: { text: '', pence: null } },
  },
]
const created: PlanEvent = { type: 'MeetingCreated', data: { planId: P, meetingId: 'm1', date: '2008-07-12', title: 'Q1 monitoring', owners: ['CNWL'], attendees: ['Diana Lee (DAAT)', 'CNWL manager'] } }
const closed: PlanEvent = { type: 'MeetingClosed', data: { planId: P, meetingId: 'm1', date: '2008-07-12', notes: null } }
const proposed: PlanEvent = { type: 'RagProposed', data: { ...ids, rag: 'amber', effectiveDate: '2008-07-01', reason: 'Two trainers off sick' } }

t.test('CreateMeeting', async t => {
  given(t, plan).when({ type: 'CreateMeeting', meetingId: 'm1', date: '2008-07-12', title: ' Q1 monitoring ', owners: [' CNWL', 'cnwl'], attendees: ['Diana Lee (DAAT)', 'CNWL manager'] })
    .then([created], 'title trimmed, owners normalised as action owners are')
  given(t, plan).when({ type: 'CreateMeeting', meetingId: 'm2', date: '2008-08-01' }).then([
    { type: 'MeetingCreated', data: { planId: P, meetingId: 'm2', date: '2008-08-01', title: 'Contract monitoring meeting', owners: [], attendees: [] } },
  ], 'no owners: the whole plan; a meeting may be created ahead of its date')
  given(t, plan).when({ type: 'CreateMeeting', meetingId: 'm1', date: '2008-02-30', attendees: ['ok', ' '] })
    .thenThrows(ValidationError, { errors: [{ path: 'date' }, { path: 'attendees.1' }] }, 'every bad field named')
  given(t, [...plan, created]).when({ type: 'CreateMeeting', meetingId: 'm1', date: '2008-07-12' }).thenThrows(ConflictError, /already exists/)
  given(t, plan).when({ type: 'CreateMeeting', meetingId: 'm1', date: '2008-07-12' }, provider).thenThrows(ForbiddenError)
  given(t, []).when({ type: 'CreateMeeting', meetingId: 'm1', date: '2008-07-12' }).thenThrows(NotFoundError, /plan/)
})

t.test('CloseMeeting: once; a closed meeting takes no decisions', async t => {
  given(t, [...plan, created]).when({ type: 'CloseMeeting', meetingId: 'm1', notes: ' Next meeting in October ' }).then([
    { type: 'MeetingClosed', data: { planId: P, meetingId: 'm1', date: '2008-07-12', notes: 'Next meeting in October' } },
  ])
  given(t, [...plan, created, closed]).when({ type: 'CloseMeeting', meetingId: 'm1' }).thenThrows(ConflictError, /already closed/)
  given(t, plan).when({ type: 'CloseMeeting', meetingId: 'nope' }).thenThrows(NotFoundError, /meeting nope/)
  given(t, [...plan, created]).when({ type: 'CloseMeeting', meetingId: 'm1' }, provider).thenThrows(ForbiddenError)
  given(t, [...plan, created, closed]).when({ type: 'ReportProgress', actionId: 'a1', note: 'late', meetingId: 'm1' }).thenThrows(ConflictError, /closed/)
  given(t, [...plan, created, closed]).when({ type: 'SetRag', actionId: 'a1', rag: 'red', meetingId: 'm1' }).thenThrows(ConflictError, /closed/)
})

t.test('decisions in a meeting record it and take its date unless given one', async t => {
  given(t, [...plan, created]).when({ type: 'ReportProgress', actionId: 'a1', note: 'Half trained', percentComplete: 50, meetingId: 'm1' }).then([
    { type: 'ProgressReported', data: { ...ids, effectiveDate: '2008-07-12', status: null, percentComplete: 50, note: 'Half trained', furtherAction: null, meetingId: 'm1' } },
  ], 'effective on the meeting date, recorded later (today is 2008-07-20)')
  given(t, [...plan, created]).when({ type: 'SetRag', actionId: 'a1', rag: 'red', effectiveDate: '2008-06-30', reason: 'No trainer', meetingId: 'm1' }).then([
    { type: 'RagSet', data: { ...ids, rag: 'red', effectiveDate: '2008-06-30', reason: 'No trainer', meetingId: 'm1' } },
  ], 'an effective date given wins over the meeting date')
  given(t, [...plan, created]).when({ type: 'ProposeRag', actionId: 'a1', rag: 'amber', meetingId: 'm1' }, provider).then([
    { type: 'RagProposed', data: { ...ids, rag: 'amber', effectiveDate: '2008-07-12', reason: null, meetingId: 'm1' } },
  ])
  given(t, plan).when({ type: 'SetRag', actionId: 'a1', rag: 'red', meetingId: 'm9' }).thenThrows(ConflictError, /not a meeting of this plan/)
  given(t, [...plan, created]).when({ type: 'SetRag', actionId: 'a1', rag: 'red', meetingId: 'm1' }, undefined, '2008-07-11')
    .thenThrows(ConflictError, /on 2008-07-12/, 'a meeting not yet held takes no decisions')
  given(t, plan).when({ type: 'ReportProgress', actionId: 'a1', note: 'x' }).thenThrows(ValidationError, { errors: [{ path: 'effectiveDate' }] }, 'without a meeting the effective date is still required')
  given(t, plan).when({ type: 'SetRag', actionId: 'a1', rag: 'green' }).then([
    { type: 'RagSet', data: { ...ids, rag: 'green', effectiveDate: '2008-07-20', reason: null } },
  ], 'without a meeting nothing changes: no meetingId, today by default')
})

t.test('accepting or rejecting a provider proposal', async t => {
  given(t, [...plan, created, proposed]).when({ type: 'AcceptRagProposal', actionId: 'a1', meetingId: 'm1' }).then([
    { type: 'RagSet', data: { ...ids, rag: 'amber', effectiveDate: '2008-07-12', reason: null, meetingId: 'm1', acceptsProposal: true } },
  ], 'the proposed rating becomes the RAG')
  given(t, [...plan, proposed]).when({ type: 'RejectRagProposal', actionId: 'a1', reason: ' Sickness is covered by agency trainers ' }).then([
    { type: 'RagProposalRejected', data: { ...ids, rag: 'amber', effectiveDate: '2008-07-20', reason: 'Sickness is covered by agency trainers' } },
  ], 'outside a meeting: effective today')
  given(t, [...plan, proposed]).when({ type: 'RejectRagProposal', actionId: 'a1', reason: '  ' }).thenThrows(ValidationError, { errors: [{ path: 'reason' }] }, 'reject needs a reason')
  given(t, plan).when({ type: 'AcceptRagProposal', actionId: 'a1' }).thenThrows(ConflictError, /no RAG proposal waiting/)
  const rejected: PlanEvent = { type: 'RagProposalRejected', data: { ...ids, rag: 'amber', effectiveDate: '2008-07-20', reason: 'no' } }
  given(t, [...plan, proposed, rejected]).when({ type: 'AcceptRagProposal', actionId: 'a1' }).thenThrows(ConflictError, /no RAG proposal waiting/, 'a rejected proposal is settled')
  const set: PlanEvent = { type: 'RagSet', data: { ...ids, rag: 'green', effectiveDate: '2008-07-20', reason: null } }
  given(t, [...plan, proposed, set]).when({ type: 'RejectRagProposal', actionId: 'a1', reason: 'x' }).thenThrows(ConflictError, /no RAG proposal waiting/, 'a RAG set settles it too')
  given(t, [...plan, proposed]).when({ type: 'AcceptRagProposal', actionId: 'a1' }, provider).thenThrows(ForbiddenError)
  given(t, [...plan, created, closed, proposed]).when({ type: 'AcceptRagProposal', actionId: 'a1', meetingId: 'm1' }).thenThrows(ConflictError, /closed/)
})
