// Reads of $all. $all holds system events ($-streams) and other applications' streams: reads page
// on until enough of ours are found. `after` may be any number (the contract reads from
// `position - 1`): a server refuses to read from inside a log record, so then the read starts at
// the nearest event at or before it. Client 6.2.1 sends readAll no server-side filter.
import { BACKWARDS, END, FORWARDS, START, type AllStreamResolvedEvent, type EventStoreDBClient, type ReadPosition } from '@eventstore/db-client'
import { collect } from './calls.js'
import { isTransient } from './failures.js'
import { positionNumber, type Decoded, type EsdbMapping } from './mapping.js'

/** Reads go to the leader, like appends: what was acknowledged is read back (read-your-writes in a cluster). */
export const LEADER = { requiresLeader: true } as const
export const ALL_PAGE = 500

export class AllReader {
  constructor(private readonly client: EventStoreDBClient, private readonly mapping: EsdbMapping, private readonly timeoutMs: number) {}

  /** Position of our newest event (0 when there is none): $all read backwards to it. */
  async head(): Promise<number> {
    let from: ReadPosition = END
    let below = Number.POSITIVE_INFINITY
    for (;;) {
      const page = await this.page(BACKWARDS, from, ALL_PAGE)
      for (const r of page) {
        const pos = r.event?.position ? positionNumber(r.event.position.commit) : Number.POSITIVE_INFINITY
        if (pos >= below) continue
        below = pos
        const d = this.mapping.decode(r)
        if (d) return d.stored.position
      }
      const last = page[page.length - 1]?.event?.position
      if (page.length < ALL_PAGE || !last) return 0
      from = last
    }
  }

  /**
   * Reads $all forwards from just after `after`, calling `take` for each of our events until it
   * returns false or the log ends.
   */
  async scan(after: number, pageSize: number, take: (d: Decoded) => boolean): Promise<void> {
    let from: ReadPosition = after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) }
    let cursor = after
    let resolved = after === 0
    for (;;) {
      let page: AllStreamResolvedEvent[]
      try {
        page = await this.page(FORWARDS, from, pageSize)
      } catch (error) {
        if (resolved || isTransient(error)) throw error
        resolved = true
        from = await this.eventPositionAtOrBefore(after)
        continue
      }
      resolved = true
      for (const r of page) {
        if (!r.event?.position) continue
        const pos = positionNumber(r.event.position.commit)
        if (pos <= cursor) continue
        cursor = pos
        const d = this.mapping.decode(r)
        if (d && !take(d)) return
      }
      const last = page[page.length - 1]?.event?.position
      if (page.length < pageSize || !last) return
      from = last
    }
  }

  /** A readable $all position at or before `position`: the nearest event's, or the start. */
  async eventPositionAtOrBefore(position: number): Promise<ReadPosition> {
    let from: ReadPosition = END
    for (;;) {
      const page = await this.page(BACKWARDS, from, ALL_PAGE)
      for (const r of page) {
        if (r.event?.position && positionNumber(r.event.position.commit) <= position) return r.event.position
      }
      const last = page[page.length - 1]?.event?.position
      if (page.length < ALL_PAGE || !last) return START
      from = last
    }
  }

  /** The server answers: one event read from the end of $all. */
  async ping(timeoutMs: number): Promise<void> {
    await collect('ping', timeoutMs, () => this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, ...LEADER }))
  }

  private page(direction: typeof FORWARDS | typeof BACKWARDS, from: ReadPosition, maxCount: number): Promise<AllStreamResolvedEvent[]> {
    const what = direction === FORWARDS ? 'read $all' : 'read $all backwards'
    return collect(what, this.timeoutMs, () => this.client.readAll({ direction, fromPosition: from, maxCount, ...LEADER }))
  }
}
