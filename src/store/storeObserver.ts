// What a store tells an observer about its work (metrics listen here; the store knows nothing
// of them). Every method is optional and must be cheap: it runs on the store's write path.
export interface StoreObserver {
  /** A group commit wrote `appends` appends (`events` events) in one transaction. */
  batchCommitted?(appends: number, events: number): void
  /** An fdatasync of the write-ahead log took `seconds`. */
  synced?(seconds: number): void
}
