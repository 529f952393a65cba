// Context for the ReportProgress row, not a baseline: `gridledger serve` exactly as configured
// from the environment, whose command handler, once the process gets SIGWINCH (after the bench
// has seeded its plans and token through the real one; close-with-grace leaves SIGWINCH alone),
// answers every command at once with a made-up outcome: no decision, no append, no projection.
// What a ReportProgress then costs is the HTTP stack's share (routing, helmet, authentication,
// plan access, zod on params and body, the answer's serialiser, the log line): the most any
// change to the command path or the store could give back. Used by httpReportProgress.ts only;
// never part of the product.
import { randomUUID } from 'node:crypto'
import { CommandHandler, type ExecuteResult } from '../src/app/commandHandler.js'
import { loadConfig } from '../src/config.js'
import { serve } from '../src/server.js'

process.on('SIGWINCH', () => {
  CommandHandler.prototype.executeBatch = async function answerAtOnce(planId, commands): Promise<ExecuteResult> {
    const recordedAt = new Date().toISOString()
    const events = commands.map(c => ({ id: randomUUID(), type: c.type, schemaVersion: 1, data: {}, metadata: {}, recordedAt }))
    return { planId, events, version: events.length, recordedAt, position: 0, append: null }
  }
  process.stdout.write('{"msg":"command path short-circuited"}\n')
})

await serve(loadConfig())
