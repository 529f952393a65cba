// Shared helpers for the benchmarks: child processes, result lines, percentiles, temp dirs.
//
// Every benchmark file is a script. Run on its own it prints human-readable progress on stderr
// and ONE machine-readable line on stdout, `BENCH_RESULT <json>`, which bench/run.ts collects.
// Parts that need isolation (a server, a store under load, the peer) run as child processes of
// the benchmark script, started with runPart().
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** One row of the results table. */
export interface BenchRow {
  measure: string
  /** What the baseline is and its figure, e.g. "fastify hello-world POST: 20,000 req/s". */
  baseline: string
  ours: string
  /** ours / baseline (or baseline / ours for "lower is better" measures), as the goal states it. */
  ratio: number | null
  goal: string
  met: boolean | null
  notes: string[]
}

export interface BenchResult {
  rows: BenchRow[]
  /** Raw numbers, written to BENCHMARKS.md as JSON for anyone who wants to compare runs. */
  raw?: unknown
}

const RESULT_PREFIX = 'BENCH_RESULT '

export function emitResult(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`)
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`)
}

export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(metaUrl) === process.argv[1]
}

/** The first argument of the form --name=value, or undefined. */
export function arg(name: string): string | undefined {
  const prefix = `--${name}=`
  const found = process.argv.find(a => a.startsWith(prefix))
  return found?.slice(prefix.length)
}

export interface RunPartOptions {
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
  timeoutMs?: number
  /** Run plain node (no tsx), for .mjs files such as the peer's. */
  plain?: boolean
}

/** Runs `node --import tsx <file> ...args` and returns the JSON of its BENCH_RESULT line. */
export function runPart<T>(file: string, args: string[] = [], options: RunPartOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.plain ? [] : ['--import', 'tsx']), ...(options.nodeArgs ?? []), file, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...(options.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (c: string) => (stdout += c))
    child.stderr.on('data', (c: string) => {
      stderr += c
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000)
      process.stderr.write(c.replace(/^(?=.)/gm, '    '))
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${file} ${args.join(' ')} timed out after ${options.timeoutMs} ms`))
    }, options.timeoutMs ?? 10 * 60_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      const line = stdout.split('\n').find(l => l.startsWith(RESULT_PREFIX))
      if (!line) return reject(new Error(`${file} ${args.join(' ')} exited ${code} without a result; stderr tail:\n${stderr.slice(-3000)}`))
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T)
    })
  })
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `gridledger-bench-${prefix}-`))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Value at quantile q (0..1) of numbers, nearest-rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

/** The median: the middle value, or the mean of the two middle values of an even count. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n)
  return n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

export function fmtRatio(r: number | null): string {
  return r === null || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}`
}

export function cpuModel(): string {
  return cpus()[0]?.model?.trim() ?? 'unknown'
}

/** Waits for a child's stdout to print a line matching `pattern`; resolves with the match. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    let stderr = ''
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`))
    }, timeoutMs)
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString()
      const m = pattern.exec(buffer)
      if (m) {
        cleanup()
        resolve(m)
      } else if (buffer.length > 1_000_000) buffer = buffer.slice(-100_000)
    }
    const onErr = (chunk: Buffer | string) => (stderr += chunk.toString())
    const onExit = (code: number | null, signal: string | null) => {
      cleanup()
      reject(new Error(`child exited (${code ?? signal}) before printing ${pattern}; stderr: ${stderr.slice(-2000)}`))
    }
    const cleanup = () => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onErr)
      child.off('exit', onExit)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onErr)
    child.on('exit', onExit)
  })
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))
