// How a cost grows with the input: the time at 4n over the time at n, each the median of
// several runs. A ratio taken in one process, in the CPU time this process spends (not the
// wall clock, which other processes' load stretches at random), so it holds on a busy machine:
// a linear step gives about 4, a quadratic one about 16.

/** CPU milliseconds this process has used (user and system, every thread). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * The ratio of the cost of `work(4n)` to that of `work(n)`. `prepare(size)` builds the input
 * outside the timing and returns the work to time. The work at n is repeated until one run
 * takes at least `minMs`, and the same number of times at 4n, so timer resolution and small
 * pauses do not decide the ratio.
 */
export function growthRatio(prepare: (size: number) => () => unknown, n: number, { runs = 5, minMs = 10 } = {}): number {
  const small = prepare(n)
  const large = prepare(4 * n)
  // Warm both up first, so the optimiser's first passes do not fall on one side only.
  for (const work of [small, large]) {
    const start = cpuMs()
    do work()
    while (cpuMs() - start < minMs)
  }
  let repeat = 1
  for (;;) {
    const start = cpuMs()
    for (let i = 0; i < repeat; i++) small()
    if (cpuMs() - start >= minMs || repeat >= 1 << 20) break
    repeat *= 2
  }
  const time = (work: () => unknown): number => {
    const start = cpuMs()
    for (let i = 0; i < repeat; i++) work()
    return cpuMs() - start
  }
  const smallTimes: number[] = []
  const largeTimes: number[] = []
  // Interleaved, so a burst of load from elsewhere falls on both sides.
  for (let i = 0; i < runs; i++) {
    smallTimes.push(time(small))
    largeTimes.push(time(large))
  }
  return median(largeTimes) / median(smallTimes)
}

/** Under 6: linear with room for noise, far below the 16 of a quadratic step. */
export const LINEAR_RATIO = 6
