// Runs a CPU-bound task (parsing an uploaded document) in a worker thread with a time and
// memory budget, so a hostile input can neither freeze the event loop nor exhaust the server's
// heap: past its budget the worker is stopped and the caller gets a TaskBudgetError (422 past
// the time, naming how far the task had got; 413 past the memory).
// A task is a module exporting `run(input, progress)`; the host (host.ts) loads it in the worker
// and gives it a TaskProgress writing to memory shared with this thread, which can read it even
// while the worker is stuck.
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

/** How far a task has got: the unit (a line) it has reached, of how many; 0 when it has not said. */
export interface Reached {
  at: number
  of: number
  unit: string
}

/** What a task is given to say how far it has got, as it goes (cheap: one shared-memory store). */
export interface TaskProgress {
  reach(at: number): void
  total(of: number): void
}

/** The task went past its time or memory budget; the input is refused. */
export class TaskBudgetError extends Error {
  readonly statusCode: 413 | 422
  constructor(readonly budget: 'time' | 'memory', message: string, readonly reached: Reached) {
    super(message)
    this.name = 'TaskBudgetError'
    // Past the time, the input is what is at fault (it would never be read); past the memory, its size.
    this.statusCode = budget === 'time' ? 422 : 413
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

/** "; the reader had reached line 12 of 300" when the task said how far it got; else nothing. */
function whereReached({ at, of, unit }: Reached): string {
  if (at <= 0) return ''
  return `; the reader had reached ${unit} ${at}${of > 0 ? ` of ${of}` : ''}`
}

/**
 * Runs `task`'s exported run(input, progress) in a worker within `budget`. `unit` names what
 * the task's progress counts, for the refusal past the time budget.
 */
export async function runTask<I, O>(task: URL, input: I, budget: TaskBudget, describe = 'the document', unit = 'line'): Promise<O> {
  const release = await slot()
  try {
    const worker = takeWorker(budget)
    const shared = new SharedArrayBuffer(8)
    const progress = new Int32Array(shared)
    const reached = (): Reached => ({ at: Atomics.load(progress, 0), of: Atomics.load(progress, 1), unit })
    return await new Promise<O>((resolve, reject) => {
      let timer = setTimeout(() => fail(new Error(`the worker reading ${describe} did not start`)), LOAD_TIMEOUT_MS)
      const onMessage = (message: HostMessage) => {
        if ('started' in message) {
          clearTimeout(timer)
          timer = setTimeout(
            () => {
              const at = reached()
              fail(new TaskBudgetError('time', `reading ${describe} took longer than ${budget.timeoutMs / 1000} s${whereReached(at)}. Refused, nothing recorded (a plan document reads in well under a second)`, at))
            },
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
            ? new TaskBudgetError('memory', `reading ${describe} needs more than ${budget.maxOldGenerationSizeMb} MiB of memory${whereReached(reached())}. Refused, nothing recorded`, reached())
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
      worker.postMessage({ task: task.href, input, progress: shared })
    })
  } finally {
    release()
  }
}
