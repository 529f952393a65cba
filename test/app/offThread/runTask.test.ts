import t from 'tap'
import { runTask, TaskBudgetError } from '../../../src/app/offThread/runTask.js'

// The worker-thread runner that reads uploaded documents: within budget it answers; a task
// that loops is stopped and refused (422) naming how far it had got, one that eats memory is
// stopped and refused (413), and the main thread stays free.
const task = (name: string) => new URL(`./tasks/${name}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)
const budget = { timeoutMs: 10_000, maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 }

t.test('a task within its budget answers', async t => {
  t.equal(await runTask<number, number>(task('echo'), 21, budget), 42)
})

t.test('a task that never ends is stopped at its time budget, and the event loop stays free meanwhile', async t => {
  let ticks = 0
  const ticker = setInterval(() => ticks++, 20)
  const error = await runTask(task('spin'), null, { ...budget, timeoutMs: 1_000 }).catch((e: unknown) => e)
  clearInterval(ticker)
  t.type(error, TaskBudgetError)
  t.match(error, { budget: 'time', statusCode: 422, message: /longer than 1 s\. Refused/ })
  t.ok(ticks >= 5, `the main thread ran timers while the task spun (${ticks} ticks)`)
})

t.test('a task stopped at its time budget says how far it had got', async t => {
  const error = await runTask(task('stuck'), 42, { ...budget, timeoutMs: 500 }, 'the document', 'line').catch((e: unknown) => e)
  t.type(error, TaskBudgetError)
  t.match(error, { budget: 'time', statusCode: 422, reached: { at: 42, of: 100, unit: 'line' }, message: /the reader had reached line 42 of 100/ })
})

t.test('a task that eats memory is stopped at its memory budget', async t => {
  const error = await runTask(task('hog'), null, { ...budget, maxOldGenerationSizeMb: 32 }).catch((e: unknown) => e)
  t.type(error, TaskBudgetError)
  t.match(error, { budget: 'memory', statusCode: 413, message: /more than 32 MiB/ })
  t.ok(process.memoryUsage().heapUsed < 512 * 1024 * 1024, 'the main heap did not grow with it')
})

t.test("a task's error is the caller's error", async t => {
  await t.rejects(runTask(task('fail'), null, budget), /failed on purpose/)
})

t.test('tasks beyond the two that run at once wait their turn and all answer', async t => {
  const answers = await Promise.all([1, 2, 3, 4, 5].map(n => runTask<number, number>(task('echo'), n, budget)))
  t.same(answers, [2, 4, 6, 8, 10])
})
