import { leaseTtlMs, type LeaseLedger } from '../method-request/lease-ledger'

/**
 * Keeps in storage how long leases this object granted may still be spent, so that after a
 * restart (eviction, redeploy, crash) the buckets start with those tokens reserved instead of
 * full: a restart never over-admits. Written at most once a lease time, while leases are granted.
 * @example
 * const horizon = leaseHorizon(ctx.storage, ledger)
 * ctx.blockConcurrencyWhile(() => horizon.restore())
 * horizon.granted(Date.now())
 */
export function leaseHorizon(storage: DurableObjectStorage, ledger: LeaseLedger<unknown>) {
  let until = 0
  return {
    async restore() {
      const stored = await storage.get<number>('leasesUntil')
      if (stored) ledger.restartedUntil((until = stored))
    },
    /** After a grant at `now`: moves the stored horizon on when the lease would outlive it. */
    granted(now: number) {
      if (now + leaseTtlMs <= until) return
      until = now + 2 * leaseTtlMs
      // Not awaited: the output gate holds the answer until the write is durable.
      void storage.put('leasesUntil', until)
    },
  }
}
