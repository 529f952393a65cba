// Deadlines on calls to the server. The client gives streaming reads no gRPC deadline, and
// waits on a server-features call before the first append without one: the adapter bounds both.
import { StreamNotFoundError, type StreamingRead } from '@eventstore/db-client'
import { StoreUnavailableError } from '../eventStore.js'
import { unavailable } from './failures.js'

/**
 * Collects a streaming read; times out when no message arrives for `ms` and cancels the call.
 * A missing stream reads as [].
 */
export function collect<E>(what: string, ms: number, open: () => StreamingRead<E>): Promise<E[]> {
  return new Promise<E[]>((resolve, reject) => {
    const out: E[] = []
    let settled = false
    let timer: NodeJS.Timeout | undefined
    let stream: StreamingRead<E> | undefined
    const finish = (error?: unknown) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error === undefined) resolve(out)
      else reject(error)
    }
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        finish(new StoreUnavailableError(`EventStoreDB ${what}: no answer within ${ms} ms`))
        stream?.cancel().catch(() => undefined)
      }, ms)
    }
    arm()
    try {
      stream = open()
    } catch (error) {
      finish(unavailable(error, what))
      return
    }
    stream.on('data', (e: E) => {
      out.push(e)
      arm()
    })
    stream.on('end', () => finish())
    stream.on('close', () => finish())
    stream.on('error', (error: unknown) => (error instanceof StreamNotFoundError ? finish() : finish(unavailable(error, what))))
  })
}

/** Awaits `promise` for at most `ms`. */
export async function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`EventStoreDB ${what}: no answer within ${ms} ms`)), ms)
  })
  promise.catch(() => undefined) // a late failure after the timeout is not unhandled
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
