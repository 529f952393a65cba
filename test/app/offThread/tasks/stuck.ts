// A task for runTask's tests: says it has reached unit `input` of 100, then never finishes.
import type { TaskProgress } from '../../../../src/app/offThread/runTask.js'

export function run(input: number, progress: TaskProgress): never {
  progress.total(100)
  progress.reach(input)
  for (;;) {
    // stuck on this unit
  }
}
