import type { Quota } from '../definitions/table'

const day = 86_400_000

/**
 * The UTC start of the quota period containing `now`, as AWS counts it: DAY at midnight;
 * WEEK on the `offset` weekday (0 = Sunday); MONTH on day `offset + 1` of the month.
 * @example periodStart({ limit: 100, period: 'WEEK', offset: 1 }, Date.UTC(2026, 10, 26)) // Monday 23 Nov 2026
 */
export function periodStart(quota: Quota, now: number): number {
  const midnight = Math.floor(now / day) * day
  if (quota.period === 'DAY') return midnight
  if (quota.period === 'WEEK') {
    const weekday = new Date(midnight).getUTCDay()
    return midnight - ((weekday - quota.offset + 7) % 7) * day
  }
  const d = new Date(midnight)
  let start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1 + quota.offset)
  if (start > now) start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1 + quota.offset)
  return start
}

/** The start of the period after the one containing `now`. */
export function periodEnd(quota: Quota, now: number): number {
  const start = periodStart(quota, now)
  if (quota.period === 'DAY') return start + day
  if (quota.period === 'WEEK') return start + 7 * day
  const d = new Date(start)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
}
