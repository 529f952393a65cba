// The worker side of runTask: for each job, loads the task module it names (once: imports are
// cached), says it has started (the time budget counts from then), runs it on the input with a
// TaskProgress writing to the job's shared memory, and posts back its output or its error's
// message. The worker serves one job at a time.
import { parentPort } from 'node:worker_threads'
import type { TaskProgress } from './runTask.js'

type Job = { task: string; input: unknown; progress: SharedArrayBuffer }

parentPort!.on('message', (job: Job) => void runJob(job))

function progressOf(shared: SharedArrayBuffer): TaskProgress {
  const cells = new Int32Array(shared)
  return { reach: at => Atomics.store(cells, 0, at), total: of => Atomics.store(cells, 1, of) }
}

async function runJob({ task, input, progress }: Job): Promise<void> {
  try {
    const module = (await import(task)) as { run: (input: unknown, progress: TaskProgress) => unknown }
    parentPort!.postMessage({ started: true })
    parentPort!.postMessage({ ok: true, output: await module.run(input, progressOf(progress)) })
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) })
  }
}
