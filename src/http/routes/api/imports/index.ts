// POST /v1/imports: a plan document's text becomes a plan (or, with dryRun, a preview).
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { DuplicateImportError } from '../../../../app/importService.js'
import type { GridLedger } from '../../../../app/gridledger.js'
import { problem, sendProblem } from '../../../problem.js'
import { ImportQuery, Problem } from '../../../schemas.js'
import { EDITORS } from '../../roles.js'

export const IMPORT_BODY_LIMIT = 5 * 1024 * 1024

const ImportAnswer = z.object({
  planId: z.string(),
  counts: z.object({ grids: z.number(), objectives: z.number(), actions: z.number() }),
  warnings: z.array(z.string()),
  plan: z.unknown().optional(),
})

export default async function importRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.post('/v1/imports', {
    config: { roles: EDITORS },
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags: ['imports'],
      summary: "Import a plan document's text (Content-Type: text/plain); dryRun=true previews without recording",
      consumes: ['text/plain'],
      querystring: ImportQuery,
      body: z.string().meta({ description: 'The plan document as text' }),
      response: { 200: ImportAnswer, 201: ImportAnswer, 400: Problem, 409: Problem, 413: Problem, 415: Problem },
    },
  }, async (request, reply) => {
    const dryRun = request.query.dryRun === 'true'
    try {
      const result = await ledger.imports.import(request.body, request.principal!, { dryRun, force: request.query.force === 'true' })
      if (!dryRun) reply.header('Location', `/v1/plans/${result.planId}`)
      return reply.code(dryRun ? 200 : 201).send(result)
    } catch (error) {
      if (error instanceof DuplicateImportError) {
        return sendProblem(reply, { ...problem(409, error.message), planId: error.planId } as ReturnType<typeof problem>)
      }
      throw error
    }
  })
}
