// The worker side of runTask: for each job, loads the task module it names (once: imports are
// cached), says it has started (the time budget counts from then), runs it on the input, and
// posts back its output or its error's message. The worker serves one job at a time.
import { parentPort } from 'node:worker_threads'

type Job = { task: string; input: unknown }

parentPort!.on('message', (job: Job) => void runJob(job))

async function runJob({ task, input }: Job): Promise<void> {
  try {
    const module = (await import(task)) as { run: (input: unknown) => unknown }
    parentPort!.postMessage({ started: true })
    parentPort!.postMessage({ ok: true, output: await module.run(input) })
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) })
  }
}
