// The HTTP baseline: fastify's hello-world with a JSON POST route, nothing else (no logger, no
// plugins), on a free port on 127.0.0.1. Prints {"port":N} when listening.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.post('/hello', async () => ({ hello: 'world' }))
await app.listen({ port: 0, host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`)
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
