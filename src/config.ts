// Configuration from the environment (API.md "Running"), validated once at start.
import { z } from 'zod'

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  GRIDLEDGER_STORE: z.string().min(1).default('sqlite:./data/gridledger.db'),
  GRIDLEDGER_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  GRIDLEDGER_RATE_LIMIT: z.coerce.number().int().min(0).default(6000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Config = z.infer<typeof Env>

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const lines = parsed.error.issues.map(i => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}
