// The gridledger CLI from source as a child process: its exit code and what it printed.
import { spawn } from 'node:child_process'
import { childEnv, CLI, ROOT } from './reliabilityServer.js'

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { timeoutMs?: number } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: childEnv({ LOG_LEVEL: 'info', ...env }), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  return new Promise(resolve =>
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    }),
  )
}

/** The CLI in-process (its `main`), with what it printed: faster than a child, for tests of its logic. */
export async function runMain(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../../src/cli/main.js')
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, l => out.push(l), l => err.push(l))
  return { code, out: out.join('\n'), err: err.join('\n') }
}
