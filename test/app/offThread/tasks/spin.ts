// A task for runTask's tests: never finishes (a parser caught in a loop).
export function run(): never {
  for (;;) {
    // spin
  }
}
