// A task for runTask's tests: keeps every string it makes (a parser building an ever larger tree).
export function run(): number {
  const kept: string[][] = []
  for (;;) kept.push(Array.from({ length: 10_000 }, (_, i) => `row ${kept.length} cell ${i}`))
}
