// POST /v1/imports: a plan document, as text or as the Word file itself, becomes a plan (or,
// with dryRun, a preview). Each media type has its own body limit, enforced while receiving.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { DuplicateImportError } from '../../../../app/importService.js'
import { TaskBudgetError, TaskQueueFullError } from '../../../../app/offThread/runTask.js'
import { DOCX_MEDIA_TYPE, MAX_DOCX_BYTES } from '../../../../import/docx/index.js'
import type { GridLedger } from '../../../../app/gridledger.js'
import { problem, sendProblem } from '../../../problem.js'
import { ImportAnswer } from '../../../responseSchemas.js'
import { ImportQuery, Problem } from '../../../schemas.js'
import { EDITORS } from '../../roles.js'

export const IMPORT_BODY_LIMIT = 5 * 1024 * 1024


export default async function importRoutes(fastify: FastifyInstance, { ledger }: { ledger: GridLedger }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  // Scoped to this plugin's routes: text up to IMPORT_BODY_LIMIT, Word files up to MAX_DOCX_BYTES.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body))
  app.addContentTypeParser(DOCX_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: MAX_DOCX_BYTES }, (_request, body, done) => done(null, body))
  // Any other media type is refused before its body is read, saying what is taken.
  app.addContentTypeParser('*', (request, _payload, done) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim() || 'a body without a content type'
    done(Object.assign(new Error(`POST /v1/imports takes text/plain or ${DOCX_MEDIA_TYPE}, not ${type}`), { statusCode: 415 }), undefined)
  })

  app.post('/v1/imports', {
    config: { roles: EDITORS },
    schema: {
      tags: ['imports'],
      operationId: 'importPlan',
      summary: "Import a plan document: its text (text/plain) or the Word file itself (.docx); dryRun=true previews without recording",
      description:
        'A Word document is read off the main thread within a time and memory budget; its warnings name the table, row and cell (or paragraph), ' +
        'and a dry run gives each value its `source` in the document.',
      consumes: ['text/plain', DOCX_MEDIA_TYPE],
      querystring: ImportQuery,
      body: z.unknown().meta({ description: 'The plan document: its text (text/plain), or the .docx file (application/vnd.openxmlformats-officedocument.wordprocessingml.document)' }),
      // 422: an Idempotency-Key reused with another document.
      response: { 200: ImportAnswer, 201: ImportAnswer, 409: Problem, 422: Problem },
    },
  }, async (request, reply) => {
    const dryRun = request.query.dryRun === 'true'
    try {
      const options = { dryRun, force: request.query.force === 'true', profileName: request.query.profile }
      const body = request.body
      const result = Buffer.isBuffer(body)
        ? await ledger.imports.importDocx(body, request.principal!, options)
        : await ledger.imports.import(String(body), request.principal!, options)
      if (!dryRun) reply.header('Location', `/v1/plans/${result.planId}`)
      // A dry run's `plan` is the importer's plain object (ImportResult types it unknown).
      return reply.code(dryRun ? 200 : 201).send(result as typeof result & { plan?: Record<string, unknown> })
    } catch (error) {
      if (error instanceof TaskQueueFullError) {
        reply.header('Retry-After', '5')
        return sendProblem(reply, problem(503, `${error.message}; nothing was recorded`))
      }
      if (error instanceof TaskBudgetError) {
        // Past the time budget (422) or the memory (413): the problem names where reading stopped.
        const { at, unit } = error.reached
        return sendProblem(reply, problem(error.statusCode, error.message, at > 0 ? [{ path: `${unit} ${at}`, message: 'reading stopped here' }] : undefined))
      }
      if (error instanceof DuplicateImportError) {
        return sendProblem(reply, { ...problem(409, error.message), planId: error.planId } as ReturnType<typeof problem>)
      }
      throw error
    }
  })
}
