// Summarises a V8 .cpuprofile (from --cpu-prof; see BENCH_PROFILE in bench/run.ts): the
// functions with the most self time, and self time grouped by package or source directory.
//
//   node --import tsx bench/profileSummary.ts bench/profiles/http-ours-….cpuprofile [top]
import { readFileSync } from 'node:fs'
import { isMain } from './lib.js'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export interface ProfileSummary {
  totalMs: number
  functions: Array<{ name: string; where: string; selfMs: number; share: number }>
  groups: Array<{ group: string; selfMs: number; share: number }>
  /** Inclusive time of functions whose name matches, summed over distinct stacks (no double counting). */
  inclusive(pattern: RegExp): number
  /** For samples whose leaf is in `group`: the nearest caller frame in src/, with the time. */
  callers(group: string): Array<{ caller: string; ms: number }>
}

function groupOf(url: string, name: string): string {
  if (!url) return name === '(garbage collector)' ? '(gc)' : name === '(idle)' ? '(idle)' : name === '(program)' ? '(program)' : '(native)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm) return nm[1]
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`
  const src = /\/(src|bench|test)\/(.*)$/.exec(url)
  if (src) return `${src[1]}/${src[2]}`
  return url
}

export function summarise(path: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
  }
  let totalMs = 0
  const fn = new Map<string, { name: string; where: string; selfMs: number }>()
  const groups = new Map<string, number>()
  for (const [id, ms] of self) {
    const n = byId.get(id)!
    totalMs += ms
    const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*\/(node_modules|src|bench|test)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : ''
    const key = `${n.callFrame.functionName}@${where}`
    const entry = fn.get(key) ?? { name: n.callFrame.functionName || '(anonymous)', where, selfMs: 0 }
    entry.selfMs += ms
    fn.set(key, entry)
    const g = groupOf(n.callFrame.url, n.callFrame.functionName)
    groups.set(g, (groups.get(g) ?? 0) + ms)
  }
  const functions = [...fn.values()].sort((a, b) => b.selfMs - a.selfMs).map(f => ({ ...f, share: f.selfMs / totalMs }))
  const grouped = [...groups].map(([group, selfMs]) => ({ group, selfMs, share: selfMs / totalMs })).sort((a, b) => b.selfMs - a.selfMs)
  return {
    totalMs,
    functions,
    groups: grouped,
    callers(group: string) {
      const out = new Map<string, number>()
      for (const [id, t] of self) {
        const leaf = byId.get(id)!
        if (groupOf(leaf.callFrame.url, leaf.callFrame.functionName) !== group) continue
        let caller = '(none in src/)'
        for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
          const f = byId.get(cur)!.callFrame
          if (/\/src\//.test(f.url)) {
            caller = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/src\//, 'src/')}:${f.lineNumber + 1}`
            break
          }
        }
        out.set(caller, (out.get(caller) ?? 0) + t)
      }
      return [...out].map(([caller, ms]) => ({ caller, ms })).sort((a, b) => b.ms - a.ms)
    },
    inclusive(pattern: RegExp) {
      let ms = 0
      for (const [id, t] of self) {
        // Count the sample once if any frame on its stack matches.
        for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
          if (pattern.test(byId.get(cur)!.callFrame.functionName)) {
            ms += t
            break
          }
        }
      }
      return ms
    },
  }
}

if (isMain(import.meta.url)) {
  const [path, top = '25', ...callersOf] = process.argv.slice(2)
  if (!path) throw new Error('usage: profileSummary.ts FILE.cpuprofile [top]')
  const s = summarise(path)
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`
  console.log(`total ${s.totalMs.toFixed(0)} ms sampled`)
  console.log('\nself time by package / directory:')
  for (const g of s.groups.slice(0, Number(top))) console.log(`  ${pct(g.share).padStart(6)}  ${g.selfMs.toFixed(0).padStart(7)} ms  ${g.group}`)
  console.log('\nfunctions by self time:')
  for (const f of s.functions.slice(0, Number(top))) console.log(`  ${pct(f.share).padStart(6)}  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`)
  for (const g of callersOf) {
    console.log(`\ncallers in src/ of ${g}:`)
    for (const c of s.callers(g).slice(0, 10)) console.log(`  ${c.ms.toFixed(0).padStart(7)} ms  ${c.caller}`)
  }
}
