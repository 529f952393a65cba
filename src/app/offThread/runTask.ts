// Runs a CPU-bound task (parsing an uploaded document) in a worker thread with a time and
// memory budget, so a hostile input can neither freeze the event loop nor exhaust the server's
// heap: past its budget the worker is stopped and the caller gets a TaskBudgetError (a 413).
// A task is a module exporting `run(input)`; the host (host.ts) loads it in the worker.
// Workers are kept between jobs (starting one costs more than most documents take to read)
// and stopped after a while idle; a worker stopped for its budget is replaced by a fresh one.
// At most CONCURRENCY jobs run at once; a few more wait; beyond that the caller is told to retry.
import { Worker } from 'node:worker_threads'

export interface TaskBudget {
  /** Wall-clock time the task may run on its input before the worker is stopped. */
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
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const HOST = new URL(`./host${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url)

/**
 * What a new worker runs. Built, the host itself. From source (tests, `node --import tsx`), a
 * worker does not inherit tsx's loader for its own first module, so it registers tsx first.
 */
function workerEntry(): { entry: string | URL; eval: boolean } {
  if (!FROM_SOURCE) return { entry: HOST, eval: false }
  const tsx = import.meta.resolve('tsx/esm/api')
  return { entry: `import(${JSON.stringify(tsx)}).then(api => { api.register(); return import(${JSON.stringify(HOST.href)}) })`, eval: true }
}
const CONCURRENCY = 2
const MAX_WAITING = 16
const IDLE_MS = 30_000
/** Starting a worker and loading the task's code is ours, not the input's: its own allowance. */
const LOAD_TIMEOUT_MS = 120_000

type HostMessage = { started: true } | { ok: true; output: unknown } | { ok: false; message: string }

interface Idle {
  worker: Worker
  timer: NodeJS.Timeout
}

let running = 0
const waiting: Array<() => void> = []
/** Idle workers by their memory limits (fixed when a worker starts). */
const idle = new Map<string, Idle[]>()

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

const limitsKey = (b: TaskBudget) => `${b.maxOldGenerationSizeMb}/${b.maxYoungGenerationSizeMb}`

function takeWorker(budget: TaskBudget): Worker {
  const kept = idle.get(limitsKey(budget))?.pop()
  if (kept) {
    clearTimeout(kept.timer)
    kept.worker.ref()
    return kept.worker
  }
  const { entry, eval: isEval } = workerEntry()
  return new Worker(entry, {
    eval: isEval,
    resourceLimits: { maxOldGenerationSizeMb: budget.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: budget.maxYoungGenerationSizeMb },
    stdout: false,
    stderr: false,
  })
}

function keepWorker(worker: Worker, budget: TaskBudget): void {
  const key = limitsKey(budget)
  const list = idle.get(key) ?? []
  idle.set(key, list)
  const entry: Idle = {
    worker,
    timer: setTimeout(() => {
      list.splice(list.indexOf(entry), 1)
      void worker.terminate()
    }, IDLE_MS).unref(),
  }
  // An idle worker does not keep the process alive (a CLI import ends when it is done).
  worker.unref()
  list.push(entry)
}

/** Runs `task`'s exported run(input) in a worker within `budget`. */
export async function runTask<I, O>(task: URL, input: I, budget: TaskBudget, describe = 'the document'): Promise<O> {
  const release = await slot()
  try {
    const worker = takeWorker(budget)
    return await new Promise<O>((resolve, reject) => {
      let timer = setTimeout(() => fail(new Error(`the worker reading ${describe} did not start`)), LOAD_TIMEOUT_MS)
      const onMessage = (message: HostMessage) => {
        if ('started' in message) {
          clearTimeout(timer)
          timer = setTimeout(
            () => fail(new TaskBudgetError('time', `reading ${describe} took longer than ${budget.timeoutMs / 1000} s; refused (a plan document reads in well under a second)`)),
            budget.timeoutMs,
          )
          return
        }
        done()
        keepWorker(worker, budget)
        if (message.ok) resolve(message.output as O)
        else reject(new Error(message.message))
      }
      const onError = (error: Error & { code?: string }) =>
        fail(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new TaskBudgetError('memory', `reading ${describe} needs more than ${budget.maxOldGenerationSizeMb} MiB of memory; refused`)
            : error,
        )
      const onExit = (code: number) => fail(new Error(`the worker reading ${describe} stopped (exit code ${code}) before answering`))
      const done = () => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        worker.off('exit', onExit)
      }
      // The worker is not reused after a failure: it may be mid-task or past its heap.
      const fail = (error: Error) => {
        done()
        void worker.terminate()
        reject(error)
      }
      worker.on('message', onMessage)
      worker.on('error', onError)
      worker.on('exit', onExit)
      worker.postMessage({ task: task.href, input })
    })
  } finally {
    release()
  }
}
