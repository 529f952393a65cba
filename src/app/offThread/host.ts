// The worker side of runTask: loads the task module named in workerData, runs it on the input,
// and posts back its output (or its error's message).
import { parentPort, workerData } from 'node:worker_threads'

const { task, input } = workerData as { task: string; input: unknown }
try {
  const module = (await import(task)) as { run: (input: unknown) => unknown }
  parentPort!.postMessage({ ok: true, output: await module.run(input) })
} catch (error) {
  parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) })
}
