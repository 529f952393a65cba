// 415 for a body in a media type the route does not take. Fastify parses text/plain for every
// route, so without this a JSON route would answer a text body with a confusing 400.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { problem, sendProblem } from '../../problem.js'

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase()
}

async function contentType(app: FastifyInstance): Promise<void> {
  // A callback hook: nothing here awaits (a read has no body and passes straight on).
  app.addHook('preValidation', (request, reply, done) => {
    const schema = request.routeOptions.schema as { body?: unknown; consumes?: string[] } | undefined
    if (!schema?.body || request.body === undefined) return done()
    const accepted = schema.consumes ?? ['application/json']
    const actual = mediaType(request.headers['content-type'])
    const ok = accepted.some(type => actual === type || (type === 'application/json' && /^application\/[a-z0-9.+-]*\+json$/.test(actual)))
    if (ok) return done()
    sendProblem(reply, problem(415, `This route takes ${accepted.join(' or ')}, not ${actual || 'a body without a content type'}`))
  })
}

export default fp(contentType, { name: 'content-type' })
