// Runs a CPU-bound task (parsing an uploaded document) in a worker thread with a time and
// memory budget, so a hostile input can neither freeze the event loop nor exhaust the server's
// heap: past its budget the worker is stopped and the caller gets a TaskBudgetError (a 413).
// A task is a module exporting `run(input)`; the host (host.ts) loads it in the worker. At most
// `concurrency` tasks run at once; a few more wait; beyond that the caller is told to retry.
import { Worker } from 'node:worker_threads'

export interface TaskBudget {
  /** Wall-clock time before the worker is stopped. */
  timeoutMs: number
  /** V8 old-generation heap of the worker. */
  maxOldGenerationSizeMb: number
  maxYoungGenerationSizeMb: number
}

/** The task went past its time or memory budget; the input is refused. */
export class TaskBudgetError extends Error {
  readonly statusCode = 413
  constructor(readonly budget: 'time' | 'memory', message: string) {
    super(message)
    this.name = 'TaskBudgetError'
  }
}

/** Too many documents are being read at once; the caller may retry shortly. */
export class TaskQueueFullError extends Error {
  readonly statusCode = 503
  constructor() {
    super('too many documents are being read at once; retry shortly')
    this.name = 'TaskQueueFullError'
  }
}

/** Worker threads run the same kind of file as this one: .ts under tsx, .js when built. */
const HOST = new URL(`./host${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

const CONCURRENCY = 2
const MAX_WAITING = 16
let running = 0
const waiting: Array<() => void> = []

async function slot(): Promise<() => void> {
  if (running >= CONCURRENCY) {
    if (waiting.length >= MAX_WAITING) throw new TaskQueueFullError()
    await new Promise<void>(resolve => waiting.push(resolve))
  }
  running++
  return () => {
    running--
    waiting.shift()?.()
  }
}

type HostMessage = { ok: true; output: unknown } | { ok: false; message: string }

/** Runs `task`'s exported run(input) in a worker within `budget`. */
export async function runTask<I, O>(task: URL, input: I, budget: TaskBudget, describe = 'the document'): Promise<O> {
  const release = await slot()
  try {
    return await new Promise<O>((resolve, reject) => {
      const worker = new Worker(HOST, {
        workerData: { task: task.href, input },
        resourceLimits: { maxOldGenerationSizeMb: budget.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: budget.maxYoungGenerationSizeMb },
        stdout: false,
        stderr: false,
      })
      let settled = false
      const settle = (fn: () => void) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        fn()
        void worker.terminate()
      }
      const timer = setTimeout(
        () => settle(() => reject(new TaskBudgetError('time', `reading ${describe} took longer than ${budget.timeoutMs / 1000} s; refused (a plan document reads in well under a second)`))),
        budget.timeoutMs,
      )
      worker.on('message', (message: HostMessage) =>
        settle(() => (message.ok ? resolve(message.output as O) : reject(new Error(message.message)))),
      )
      worker.on('error', (error: Error & { code?: string }) =>
        settle(() =>
          reject(
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new TaskBudgetError('memory', `reading ${describe} needs more than ${budget.maxOldGenerationSizeMb} MiB of memory; refused`)
              : error,
          ),
        ),
      )
      worker.on('exit', code => settle(() => reject(new Error(`the worker reading ${describe} stopped (exit code ${code}) before answering`))))
    })
  } finally {
    release()
  }
}
