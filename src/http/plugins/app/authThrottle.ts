// Failed and missing authentication, counted per client address in fixed one-minute windows.
// The auth hook consults it before anything costs a store read, so a flood of bad or absent
// tokens from one address is answered 429 cheaply, however many distinct tokens it sprays.

/** Addresses remembered at most; past it the oldest window is forgotten (memory stays bounded). */
const MAX_ADDRESSES = 100_000

interface Window {
  failures: number
  resetAt: number
}

export class AuthFailureThrottle {
  private readonly windows = new Map<string, Window>()

  constructor(
    /** Failures allowed per address per window. */
    private readonly max: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the address must wait before its next failure may be tried; 0 when it may try now. */
  retryAfter(address: string): number {
    const w = this.current(address)
    return w && w.failures >= this.max ? Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000)) : 0
  }

  /** Counts one failure against the address. */
  fail(address: string): void {
    let w = this.current(address)
    if (!w) {
      if (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value as string)
      w = { failures: 0, resetAt: this.now() + this.windowMs }
      this.windows.set(address, w)
    }
    w.failures++
  }

  /** Takes back a failure counted before its outcome was known (the token turned out good). */
  forgive(address: string): void {
    const w = this.current(address)
    if (w && w.failures > 0) w.failures--
  }

  private current(address: string): Window | undefined {
    const w = this.windows.get(address)
    if (w && w.resetAt <= this.now()) {
      this.windows.delete(address)
      return undefined
    }
    return w
  }
}
