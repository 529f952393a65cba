// The read baseline: a fastify route answering JSON bytes held in memory (the files given, read
// once at start), nothing else (no logger, no plugins), on a free port on 127.0.0.1. Prints
// {"port":N} when listening.
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
import { arg } from './lib.js'

const plan = readFileSync(arg('plan')!, 'utf8')
const report = readFileSync(arg('report')!, 'utf8')
const app = Fastify({ logger: false })
app.get('/plan', async (_request, reply) => reply.type('application/json; charset=utf-8').send(plan))
app.get('/report', async (_request, reply) => reply.type('application/json; charset=utf-8').send(report))
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`)
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
