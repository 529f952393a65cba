// A task for runTask's tests: answers its input doubled.
export function run(input: number): number {
  return input * 2
}
