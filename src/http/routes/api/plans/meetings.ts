// Contract monitoring meetings: create, list, read with agenda and decisions, close, minutes;
// and the meeting's verdicts on providers' RAG proposals. Decisions are ordinary commands (the
// progress POST and RAG PUT take a meetingId too); reads fold the plan's stream.
import { z } from 'zod'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { MeetingClosed as MeetingClosedEvent, MeetingCreated, RagProposalRejected, RagSet } from '../../../../domain/events.js'
import type { GridLedger } from '../../../../app/gridledger.js'
import { newId } from '../../../../app/ids.js'
import type { CommandOutcome } from '../../../../app/commandHandler.js'
import { minutesDocx, minutesHtml } from '../../../../presentation/minutes.js'
import {
  AcceptRagProposal, CloseMeeting, CreateMeeting, Meeting, MeetingClosed, MeetingDetail, MeetingList, MeetingParams, Minutes, MinutesQuery, ProposalAccepted,
  ProposalRejected, RejectRagProposal,
} from '../../../meetingSchemas.js'
import { ActionParams, PlanParams, Problem } from '../../../schemas.js'
import { EDITORS, EVERYONE } from '../../roles.js'
import { SELF_CONTAINED_CSP } from '../../../../presentation/htmlPage.js'

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

export default async function meetingRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const problems = { 400: Problem, 403: Problem, 404: Problem, 409: Problem, 412: Problem }

  app.post('/v1/plans/:planId/meetings', {
    config: { roles: EDITORS },
    schema: { tags: ['meetings'], operationId: 'createMeeting', summary: 'Create a contract monitoring meeting (open until closed)', params: PlanParams, body: CreateMeeting, response: { 201: Meeting, ...problems } },
  }, async (request, reply) => {
    const { planId } = request.params
    const meetingId = newId()
    return app.runCommand(request, reply, {
      planId,
      commands: [{ type: 'CreateMeeting', meetingId, ...request.body }],
      respond: outcome => {
        const d = outcome.events[0].data as unknown as MeetingCreated
        return {
          status: 201,
          headers: { Location: `/v1/plans/${planId}/meetings/${meetingId}` },
          body: { id: meetingId, planId, date: d.date, title: d.title, owners: d.owners, attendees: d.attendees, status: 'open', notes: null, recordedAt: outcome.recordedAt, closedAt: null },
        }
      },
    })
  })

  app.get('/v1/plans/:planId/meetings', {
    config: { roles: EVERYONE },
    schema: { tags: ['meetings'], operationId: 'listMeetings', summary: "The plan's meetings (a provider: those whose owners include one of its labels)", params: PlanParams, response: { 200: MeetingList, 404: Problem } },
  }, async request => ({ items: await ledger.meetings.list(request.params.planId, request.principal!) }))

  app.get('/v1/plans/:planId/meetings/:meetingId', {
    config: { roles: EVERYONE },
    schema: { tags: ['meetings'], operationId: 'getMeeting', summary: 'A meeting with its agenda and its decisions', params: MeetingParams, response: { 200: MeetingDetail, 404: Problem } },
  }, async request => ledger.meetings.get(request.params.planId, request.params.meetingId, request.principal!))

  app.post('/v1/plans/:planId/meetings/:meetingId/close', {
    config: { roles: EDITORS },
    schema: { tags: ['meetings'], operationId: 'closeMeeting', summary: 'Close a meeting: it takes no more decisions', params: MeetingParams, body: CloseMeeting, response: { 200: MeetingClosed, ...problems } },
  }, async (request, reply) => {
    const { planId, meetingId } = request.params
    return app.runCommand(request, reply, {
      planId,
      commands: [{ type: 'CloseMeeting', meetingId, notes: request.body?.notes }],
      respond: outcome => {
        const d = outcome.events[0].data as unknown as MeetingClosedEvent
        return { status: 200, body: { id: meetingId, planId, date: d.date, status: 'closed', notes: d.notes, closedAt: outcome.recordedAt, version: outcome.version } }
      },
    })
  })

  app.get('/v1/plans/:planId/meetings/:meetingId/minutes', {
    config: { roles: EVERYONE },
    schema: { tags: ['meetings'], operationId: 'getMinutes', summary: 'The minutes: attendees, each decision with the value before and after, items not discussed (json, html, docx)', params: MeetingParams, querystring: MinutesQuery, response: { 200: { description: 'The minutes as JSON, a self-contained HTML page (format=html) or a Word document (format=docx)', content: { 'application/json': { schema: Minutes }, 'text/html': { schema: z.string() }, [DOCX]: { schema: z.string().meta({ format: 'binary' }) } } }, 404: Problem } },
  }, async (request, reply) => {
    const minutes = await ledger.meetings.minutes(request.params.planId, request.params.meetingId, request.principal!)
    const name = `minutes-${minutes.meeting.date}-${minutes.meeting.id}`
    // HTML and Word are sent as they are (the response schema describes the JSON).
    const file = reply as FastifyReply
    if (request.query.format === 'html') {
      return file.type('text/html; charset=utf-8').header('Content-Security-Policy', SELF_CONTAINED_CSP).send(minutesHtml(minutes))
    }
    if (request.query.format === 'docx') {
      return file.type(DOCX).header('Content-Disposition', `attachment; filename="${name}.docx"`).send(await minutesDocx(minutes))
    }
    return minutes
  })

  const verdict = (outcome: CommandOutcome) => {
    const d = outcome.events[0].data as unknown as RagSet | RagProposalRejected
    return { actionId: d.actionId, effectiveDate: d.effectiveDate, reason: d.reason, meetingId: d.meetingId ?? null, eventId: outcome.events[0].id, recordedAt: outcome.recordedAt, version: outcome.version }
  }

  app.post('/v1/plans/:planId/actions/:actionId/rag-proposal/accept', {
    config: { roles: EDITORS },
    schema: { tags: ['progress'], operationId: 'acceptRagProposal', summary: "Accept a provider's RAG proposal: it becomes the RAG", params: ActionParams, body: AcceptRagProposal, response: { 200: ProposalAccepted, ...problems } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'AcceptRagProposal', actionId: request.params.actionId, ...request.body }],
      respond: outcome => ({ status: 200, body: { ...verdict(outcome), rag: (outcome.events[0].data as unknown as RagSet).rag } }),
    }),
  )

  app.post('/v1/plans/:planId/actions/:actionId/rag-proposal/reject', {
    config: { roles: EDITORS },
    schema: { tags: ['progress'], operationId: 'rejectRagProposal', summary: "Reject a provider's RAG proposal (reason required): the RAG stays", params: ActionParams, body: RejectRagProposal, response: { 200: ProposalRejected, ...problems } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'RejectRagProposal', actionId: request.params.actionId, ...request.body }],
      respond: outcome => ({ status: 200, body: { ...verdict(outcome), rejectedRag: (outcome.events[0].data as unknown as RagProposalRejected).rag } }),
    }),
  )
}
