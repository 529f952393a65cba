// A real gridledger server as a child process (`gridledger serve` from source), for the crash,
// fuzz and benchmark harnesses: started on a free port on 127.0.0.1, its log captured, killable.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
export const SERVER_ADMIN_TOKEN = 'reliability-admin-token-0123456789abcdef'

export interface ServerChild {
  child: ChildProcess
  port: number
  /** http://127.0.0.1:<port> */
  url: string
  /** Everything the server printed (stdout and stderr), most recent last; capped. */
  log(): string
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface StartServerOptions {
  /** GRIDLEDGER_STORE, e.g. sqlite:/tmp/x.db */
  store: string
  env?: NodeJS.ProcessEnv
  nodeArgs?: string[]
  timeoutMs?: number
  /** Keep at most this many characters of log (default 200k). */
  logLimit?: number
  /** Stop keeping the log once listening (its output is still read and dropped): for load tests. */
  dropLogAfterStart?: boolean
  /** A script to run instead of `gridledger serve` (it must log "gridledger listening" with its port as serve does). */
  entry?: string
}

const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})

/** The environment for a child gridledger process: ours plus `extra`, without tap's coverage and loader hooks. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const key of ['NODE_V8_COVERAGE', 'NODE_OPTIONS', 'TAP', 'TAP_CHILD_ID', 'TAP_BEFORE', 'TAP_AFTER']) if (!(key in extra)) delete env[key]
  return env
}

export function startServer(options: StartServerOptions): Promise<ServerChild> {
  const limit = options.logLimit ?? 200_000
  const child = spawn(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), ...(options.entry ? [options.entry] : [CLI, 'serve'])], {
    cwd: ROOT,
    env: childEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      GRIDLEDGER_STORE: options.store,
      GRIDLEDGER_ADMIN_TOKEN: SERVER_ADMIN_TOKEN,
      GRIDLEDGER_RATE_LIMIT: '0',
      // Load tests and benchmarks write far more to one plan with one token than any person would.
      GRIDLEDGER_APPEND_QUOTA: '0',
      // Load shedding off unless a test turns it on: a loaded test machine must not turn into 503s.
      GRIDLEDGER_MAX_EVENT_LOOP_DELAY_MS: '0',
      LOG_LEVEL: 'info',
      ...(options.env ?? {}),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  let output = ''
  let keep = true
  const append = (chunk: Buffer) => {
    if (!keep) return
    output += chunk.toString('utf8')
    if (output.length > limit) output = output.slice(-Math.floor(limit / 2))
  }
  child.stdout!.on('data', append)
  child.stderr!.on('data', append)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve =>
    child.once('exit', (code, signal) => {
      live.delete(child)
      resolve({ code, signal })
    }),
  )
  return new Promise((resolve, reject) => {
    let settled = false
    const timer = setTimeout(() => {
      if (settled) return
      settled = true
      child.kill('SIGKILL')
      reject(new Error(`server did not start within ${options.timeoutMs ?? 60_000} ms:\n${output.slice(-4000)}`))
    }, options.timeoutMs ?? 60_000)
    const onData = () => {
      const m = /"port":(\d+)[^\n]*"msg":"gridledger listening"/.exec(output)
      if (!m || settled) return
      settled = true
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      if (options.dropLogAfterStart) keep = false
      const port = Number(m[1])
      resolve({
        child,
        port,
        url: `http://127.0.0.1:${port}`,
        log: () => output,
        exited,
        async kill(signal = 'SIGKILL') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal)
          return exited
        },
      })
    }
    child.stdout!.on('data', onData)
    void exited.then(({ code, signal }) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output.slice(-4000)}`))
    })
  })
}

export interface JsonResponse {
  status: number
  headers: Headers
  text: string
  json(): any
}

/** fetch against the server with the admin token (or `token`), JSON in and out. */
export async function call(baseUrl: string, method: string, path: string, body?: unknown, options: { token?: string | null; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<JsonResponse> {
  const token = options.token === undefined ? SERVER_ADMIN_TOKEN : options.token
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.headers ?? {}) }
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) }
}

export interface SeededPlan {
  planId: string
  gridId: string
  objectiveId: string
  actionIds: string[]
}

/** A plan with one grid, one objective and `actions` actions owned by CNWL, through the HTTP API. */
export async function seedPlanOverHttp(baseUrl: string, actions = 1, partnership = 'Ealing DAAT'): Promise<SeededPlan> {
  const post = async (path: string, body: unknown) => {
    const res = await call(baseUrl, 'POST', path, body)
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${res.text}`)
    return res.json()
  }
  const plan = await post('/v1/plans', { partnership, year: '2008/09' })
  const grid = await post(`/v1/plans/${plan.id}/grids`, { number: 1, title: 'Harm reduction' })
  const objective = await post(`/v1/plans/${plan.id}/grids/${grid.id}/objectives`, { number: '1', text: 'Reduce drug related deaths' })
  const actionIds: string[] = []
  for (let i = 0; i < actions; i++) {
    const action = await post(`/v1/plans/${plan.id}/objectives/${objective.id}/actions`, { number: `1.${i + 1}`, text: `Action ${i + 1}`, due: 'Qtr 2', owners: ['CNWL'] })
    actionIds.push(action.id)
  }
  return { planId: plan.id, gridId: grid.id, objectiveId: objective.id, actionIds }
}
