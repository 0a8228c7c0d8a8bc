/** Limits applied while rendering. The first two are AWS quotas; the rest stop runaway templates. */
export const LIMITS = {
  /** AWS quota: iterations of one `#foreach` loop. */
  foreachIterations: 1000,
  /** AWS quota: the mapped payload, 10 MB. */
  outputBytes: 10 * 1024 * 1024,
  /** Ours: loop iterations across one render, so nested loops cannot burn the Worker's CPU budget. */
  iterationsPerRender: 100_000,
  /** Velocity's default `velocimacro.max.depth`. */
  macroDepth: 20,
  /** Ours: the largest `[a..b]` range, which Velocity materialises as a list. */
  rangeSize: 100_000,
} as const
