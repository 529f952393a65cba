// A task for runTask's tests: throws.
export function run(): never {
  throw new Error('the task failed on purpose')
}
