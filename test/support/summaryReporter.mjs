// tap reporter: passes the TAP stream through untouched and ends with the plain
// "N passed, N failed" line that CI reads. tap counts nested subtests in its
// final summary; we count the leaf assertions ("ok"/"not ok" lines) of every level.
import { Transform } from 'node:stream'

export default class SummaryReporter extends Transform {
  constructor() {
    super()
    this.passed = 0
    this.failed = 0
    this.skipped = 0
    this.buffer = ''
  }
  count(line) {
    const t = /^# \{ total: (\d+)(.*)\}\s*$/.exec(line)
    if (t) {
      const get = (k) => Number((new RegExp(k + ': (\\d+)').exec(t[2]) ?? [0, 0])[1])
      this.totals = { pass: get('pass'), fail: get('fail'), skip: get('skip'), todo: get('todo') }
      return
    }
    const m = /^\s*(not ok|ok)\b(.*)$/.exec(line)
    if (!m) return
    // Only leaf assertions: a subtest's own summary line is followed by nothing we can
    // see here, so count every point; subtest lines are counted as one each as well.
    const directive = /#\s*(skip|todo)\b/i.test(m[2])
    if (directive) this.skipped++
    else if (m[1] === 'ok') this.passed++
    else this.failed++
  }
  _transform(chunk, _enc, cb) {
    this.buffer += chunk.toString()
    let i
    while ((i = this.buffer.indexOf('\n')) >= 0) {
      this.count(this.buffer.slice(0, i))
      this.buffer = this.buffer.slice(i + 1)
    }
    cb(null, chunk)
  }
  _flush(cb) {
    if (this.buffer) this.count(this.buffer)
    // Prefer tap's own closing totals (leaf assertions only); fall back to our count.
    if (this.totals) {
      this.passed = this.totals.pass
      this.failed = this.totals.fail
      this.skipped = this.totals.skip + this.totals.todo
    }
    const skipped = this.skipped ? `, ${this.skipped} skipped` : ''
    cb(null, `\n${this.passed} passed, ${this.failed} failed${skipped}\n`)
  }
}
