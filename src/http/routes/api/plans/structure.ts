// The plan's structure: grids, objectives, actions and their owners. Commissioners and admins.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { ActionAdded, GridAdded, ObjectiveAdded } from '../../../../domain/events.js'
import { newId } from '../../../../app/ids.js'
import type { CommandOutcome } from '../../../../app/commandHandler.js'
import { ActionAnswer, GridAnswer, ObjectiveAnswer, OwnerAnswer, RevisionAnswer } from '../../../responseSchemas.js'
import {
  ActionParams, AddAction, AddGrid, AddObjective, AssignOwner, GridParams, ObjectiveParams, OwnerParams, PlanParams,
  NoContent, ReviseAction, ReviseObjective, WithdrawQuery,
} from '../../../schemas.js'
import { EDITORS } from '../../roles.js'

const dataOf = <T>(outcome: CommandOutcome): T => outcome.events[0].data as unknown as T
const noContent = () => ({ status: 204 })

/** The first event's data without the plan id (the caller knows it), plus the new version. */
function changed(outcome: CommandOutcome, id: string, status = 200) {
  if (outcome.events.length === 0) return { status, body: { id, changed: false, version: outcome.version } }
  const { planId: _planId, ...rest } = dataOf<Record<string, unknown>>(outcome)
  return { status, body: { id, ...rest, version: outcome.version } }
}

export default async function structureRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.post('/v1/plans/:planId/grids', {
    config: { roles: EDITORS },
    schema: { tags: ['structure'], operationId: 'addGrid', summary: 'Add a planning grid (AddGrid)', params: PlanParams, body: AddGrid, response: { 201: GridAnswer } },
  }, async (request, reply) => {
    const gridId = newId()
    return app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'AddGrid', gridId, ...request.body }],
      respond: outcome => {
        const d = dataOf<GridAdded>(outcome)
        return { status: 201, headers: { Location: `/v1/plans/${d.planId}` }, body: { id: gridId, number: d.number, title: d.title, version: outcome.version } }
      },
    })
  })

  app.post('/v1/plans/:planId/grids/:gridId/objectives', {
    config: { roles: EDITORS },
    schema: { tags: ['structure'], operationId: 'addObjective', summary: 'Add an objective to a grid (AddObjective)', params: GridParams, body: AddObjective, response: { 201: ObjectiveAnswer } },
  }, async (request, reply) => {
    const objectiveId = newId()
    return app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'AddObjective', gridId: request.params.gridId, objectiveId, ...request.body }],
      respond: outcome => {
        const d = dataOf<ObjectiveAdded>(outcome)
        return { status: 201, body: { id: objectiveId, gridId: d.gridId, number: d.number, text: d.text, outcomes: d.outcomes, version: outcome.version } }
      },
    })
  })

  app.patch('/v1/plans/:planId/objectives/:objectiveId', {
    config: { roles: EDITORS },
    schema: { tags: ['structure'], operationId: 'reviseObjective', summary: 'Revise an objective (ReviseObjective)', params: ObjectiveParams, body: ReviseObjective, response: { 200: RevisionAnswer } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'ReviseObjective', objectiveId: request.params.objectiveId, ...request.body }],
      respond: outcome => changed(outcome, request.params.objectiveId),
    }),
  )

  app.post('/v1/plans/:planId/objectives/:objectiveId/actions', {
    config: { roles: EDITORS },
    schema: { tags: ['structure'], operationId: 'addAction', summary: 'Add an action or milestone to an objective (AddAction)', params: ObjectiveParams, body: AddAction, response: { 201: ActionAnswer } },
  }, async (request, reply) => {
    const actionId = newId()
    return app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'AddAction', objectiveId: request.params.objectiveId, actionId, ...request.body }],
      respond: outcome => {
        const d = dataOf<ActionAdded>(outcome)
        return {
          status: 201,
          body: { id: actionId, objectiveId: d.objectiveId, gridId: d.gridId, number: d.number, text: d.text, due: d.due, owners: d.owners, cost: d.cost, version: outcome.version },
        }
      },
    })
  })

  app.patch('/v1/plans/:planId/actions/:actionId', {
    config: { roles: EDITORS },
    schema: { tags: ['structure'], operationId: 'reviseAction', summary: 'Revise an action: a meeting amends the plan (ReviseAction)', params: ActionParams, body: ReviseAction, response: { 200: RevisionAnswer } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'ReviseAction', actionId: request.params.actionId, ...request.body }],
      respond: outcome => changed(outcome, request.params.actionId),
    }),
  )

  app.delete('/v1/plans/:planId/actions/:actionId', {
    config: { roles: EDITORS },
    schema: { tags: ['structure'], operationId: 'withdrawAction', summary: 'Withdraw an action: kept in history (WithdrawAction)', params: ActionParams, querystring: WithdrawQuery, response: { 204: NoContent } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'WithdrawAction', actionId: request.params.actionId, reason: request.query.reason ?? null }],
      respond: noContent,
    }),
  )

  app.post('/v1/plans/:planId/actions/:actionId/owners', {
    config: { roles: EDITORS },
    schema: { tags: ['structure'], operationId: 'assignOwner', summary: 'Assign an owner to an action (AssignOwner); 200 when already assigned', params: ActionParams, body: AssignOwner, response: { 200: OwnerAnswer, 201: OwnerAnswer } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'AssignOwner', actionId: request.params.actionId, owner: request.body.owner }],
      respond: outcome => ({
        status: outcome.events.length ? 201 : 200,
        body: { actionId: request.params.actionId, owner: request.body.owner, changed: outcome.events.length > 0, version: outcome.version },
      }),
    }),
  )

  app.delete('/v1/plans/:planId/actions/:actionId/owners/:owner', {
    config: { roles: EDITORS },
    schema: { tags: ['structure'], operationId: 'unassignOwner', summary: 'Unassign an owner (UnassignOwner)', params: OwnerParams, response: { 204: NoContent } },
  }, async (request, reply) =>
    app.runCommand(request, reply, {
      planId: request.params.planId,
      commands: [{ type: 'UnassignOwner', actionId: request.params.actionId, owner: request.params.owner }],
      respond: noContent,
    }),
  )
}
