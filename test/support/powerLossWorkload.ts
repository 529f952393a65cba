// The write load of a power-loss trial against a real server, and what it was told: 16 writers
// (progress reports with Idempotency-Keys, whole-plan imports, token minting) until the server
// is killed; each write is logged as acknowledged (2xx) or unanswered.
import { call, SERVER_ADMIN_TOKEN, type ServerChild, type SeededPlan } from './reliabilityServer.js'

export const WRITERS = 16
/** Of the 16: one imports whole plans (multi-event atomic appends), one mints tokens, the rest report progress. */
const PROGRESS_WRITERS = WRITERS - 2

/** A small plan document for the partnership named: one grid, one objective, three actions. */
export function importDocument(partnership: string): string {
  return [
    partnership,
    'Adult drug treatment plan 2008/09',
    '',
    'Planning grid 1: Harm reduction',
    '',
    'Objective 1',
    'Reduce drug related deaths',
    '',
    'Action\tBy when\tBy whom\tCosts/budget',
    'Train staff in naloxone\tQtr 1\tDM\t£1,000',
    'Audit needle exchange\tQtr 2\tCNWL\t£2,000',
    'Publish overdose leaflet\tQtr 3\tDM\t£500',
    '',
  ].join('\n')
}

export const IMPORT_PARTNERSHIP = 'Power Cut DAAT'
export const IMPORT_DOC = importDocument(IMPORT_PARTNERSHIP)

/** A deterministic-per-seed random source (mulberry32), so a failing trial can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let r = Math.imul(a ^ (a >>> 15), 1 | a)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

export interface ProgressWrite {
  key: string
  planId: string
  actionId: string
  body: { effectiveDate: string; note: string }
}

export interface MintedToken {
  id: string
  token: string
  label: string
}

export interface WorkloadLog {
  acknowledged: ProgressWrite[]
  unanswered: ProgressWrite[]
  importsAcknowledged: string[]
  importsUnanswered: number
  tokensAcknowledged: MintedToken[]
  tokensUnanswered: string[]
  /** The highest version of each plan that a reader was shown (GET /v1/plans) while the writers ran. */
  versionsSeen: Map<string, number>
  /** Answers that are neither 2xx nor the 503 of a store going down. */
  unexpected: string[]
}

export function postProgress(url: string, w: ProgressWrite) {
  return call(url, 'POST', `/v1/plans/${w.planId}/actions/${w.actionId}/progress`, w.body, { headers: { 'idempotency-key': w.key }, timeoutMs: 15_000 })
}

export async function postImport(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/v1/imports?force=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SERVER_ADMIN_TOKEN}`, 'content-type': 'text/plain' },
    body: IMPORT_DOC,
    signal: AbortSignal.timeout(15_000),
  })
  return { status: res.status, text: await res.text() }
}

/**
 * Runs the writers against `server` until `kill` has killed it: after `killAfterMs`, or (given
 * `{ acknowledged, maxMs }`) once that many reports are acknowledged, or after maxMs at the latest.
 */
export async function writeUntilKilled(server: ServerChild, plans: SeededPlan[], tag: string, killAfter: number | { acknowledged: number; maxMs: number }, rand: () => number, kill: () => void): Promise<WorkloadLog> {
  const log: WorkloadLog = { acknowledged: [], unanswered: [], importsAcknowledged: [], importsUnanswered: 0, tokensAcknowledged: [], tokensUnanswered: [], versionsSeen: new Map(), unexpected: [] }
  const actions = plans.flatMap(p => p.actionIds.map(actionId => ({ planId: p.planId, actionId })))
  let dead = false
  const die = () => {
    if (dead) return
    dead = true
    kill()
  }
  const killer = setTimeout(die, typeof killAfter === 'number' ? killAfter : killAfter.maxMs)
  const enough = typeof killAfter === 'number' ? Infinity : killAfter.acknowledged
  const jitter = async () => {
    if (rand() < 0.2) await new Promise(r => setTimeout(r, Math.floor(rand() * 5)))
  }
  const progressWriter = async (w: number) => {
    for (let i = 0; !dead; i++) {
      const write: ProgressWrite = { key: `pl-${tag}-w${w}-${i}`, ...actions[(w + i) % actions.length], body: { effectiveDate: '2008-06-30', note: `${tag} w${w} n${i}` } }
      try {
        const res = await postProgress(server.url, write)
        if (res.status === 201) {
          log.acknowledged.push(write)
          if (log.acknowledged.length >= enough) die()
        } else {
          log.unanswered.push(write)
          if (res.status !== 503) log.unexpected.push(`POST progress ${write.key}: ${res.status} ${res.text.slice(0, 300)}`)
        }
      } catch {
        log.unanswered.push(write) // no answer: the server died with it in flight
        return
      }
      await jitter()
    }
  }
  const importWriter = async () => {
    while (!dead) {
      try {
        const res = await postImport(server.url)
        if (res.status === 201) log.importsAcknowledged.push((JSON.parse(res.text) as { planId: string }).planId)
        else {
          log.importsUnanswered++
          if (res.status !== 503) log.unexpected.push(`POST /v1/imports: ${res.status} ${res.text.slice(0, 300)}`)
        }
      } catch {
        log.importsUnanswered++
        return
      }
    }
  }
  const tokenWriter = async () => {
    for (let i = 0; !dead; i++) {
      const label = `pl-${tag}-token-${i}`
      try {
        const res = await call(server.url, 'POST', '/v1/tokens', { role: 'auditor', label }, { timeoutMs: 15_000 })
        if (res.status === 201) log.tokensAcknowledged.push({ id: res.json().id, token: res.json().token, label })
        else {
          log.tokensUnanswered.push(label)
          if (res.status !== 503) log.unexpected.push(`POST /v1/tokens: ${res.status} ${res.text.slice(0, 300)}`)
        }
      } catch {
        log.tokensUnanswered.push(label)
        return
      }
      await jitter()
    }
  }
  // Beside the writers, a reader: what the server shows must be durable too, so a power cut never takes back a version it showed.
  const reader = async () => {
    while (!dead) {
      try {
        const res = await call(server.url, 'GET', '/v1/plans', undefined, { timeoutMs: 15_000 })
        if (res.status !== 200) continue
        for (const p of res.json().items as Array<{ id: string; version: number }>) log.versionsSeen.set(p.id, Math.max(log.versionsSeen.get(p.id) ?? 0, p.version))
      } catch {
        return
      }
      await new Promise(r => setTimeout(r, 20))
    }
  }
  await Promise.all([...Array.from({ length: PROGRESS_WRITERS }, (_, w) => progressWriter(w)), importWriter(), tokenWriter(), reader()])
  clearTimeout(killer)
  await server.exited
  return log
}

export interface HistoryItem {
  position: number
  type: string
  data: Record<string, unknown>
}

export async function history(url: string, planId: string): Promise<HistoryItem[]> {
  const items: HistoryItem[] = []
  let after = 0
  for (;;) {
    const res = await call(url, 'GET', `/v1/plans/${planId}/history?after=${after}&limit=1000`)
    if (res.status !== 200) throw new Error(`history ${planId}: ${res.status} ${res.text.slice(0, 300)}`)
    const page = res.json() as { items: HistoryItem[]; next?: number }
    items.push(...page.items)
    if (page.next === undefined || page.items.length === 0) return items
    after = page.next
  }
}

/** How many times each progress note is stored, over the plans' histories. */
export async function progressNotes(url: string, plans: SeededPlan[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const p of plans) {
    for (const e of await history(url, p.planId)) {
      if (e.type !== 'ProgressReported') continue
      const note = String(e.data.note)
      counts.set(note, (counts.get(note) ?? 0) + 1)
    }
  }
  return counts
}
