/** Holders kept at most; past it, idle ones (nothing held, asked or owed) are dropped. */
const maxHolders = 10_000

/**
 * The lease holders of one isolate, by limit. Made in a step's factory and kept for the isolate's
 * life: a holder's leases are what spares the next request its round trip.
 * @example const holders = holderBook(() => new LeaseHolder(busy)); holders.get(name).admit(io)
 */
export function holderBook<H extends { idle: boolean }>(create: () => H) {
  const holders = new Map<string, H>()
  return {
    get(name: string): H {
      let holder = holders.get(name)
      if (!holder) {
        if (holders.size >= maxHolders) for (const [n, h] of holders) if (h.idle) holders.delete(n)
        holders.set(name, (holder = create()))
      }
      return holder
    },
  }
}
