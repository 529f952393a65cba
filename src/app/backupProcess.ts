// Runs `gridledger backup FILE` as a child process of this one (same node, same flags, so it
// works from the build and from source): the copy and its verification then use another
// process's event loop and memory, never the server's.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

function cliEntry(): string {
  const built = fileURLToPath(new URL('../cli/main.js', import.meta.url))
  return existsSync(built) ? built : fileURLToPath(new URL('../cli/main.ts', import.meta.url))
}

export function backupInChildProcess(storeUrl: string): (file: string) => Promise<void> {
  return file =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, cliEntry(), 'backup', file], {
        env: { ...process.env, GRIDLEDGER_STORE: storeUrl, GRIDLEDGER_CLI: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4000)))
      child.once('error', reject)
      child.once('close', (code, signal) => {
        if (code === 0) resolve()
        else reject(new Error(`gridledger backup exited with ${code ?? signal}: ${stderr.trim()}`))
      })
    })
}
