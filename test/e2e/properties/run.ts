import fc from 'fast-check'
import { expect } from 'vitest'

/**
 * One seed for the whole suite: `FC_SEED` replays a run, else a fresh one (printed with any
 * failure). `FC_PATH` replays one property's shrunk counterexample directly; `FC_RUNS`
 * multiplies every property's run count and time limit for a longer local search.
 */
export const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : (Date.now() ^ (Math.random() * 0x1_0000_0000)) | 0
const path = process.env.FC_PATH || undefined
/** `FC_RUNS`: how many times the usual runs and time limits. */
export const scale = Math.max(1, Number(process.env.FC_RUNS ?? 1))

export interface Bounds {
  /** Generated cases to try (before `FC_RUNS`). */
  runs: number
  /** Stops generating (and shrinking) after this long; a run cut short this way still passes. */
  timeLimitMs: number
}

/**
 * Checks a property against the running gateway within its bounds, and fails with the seed,
 * fast-check's counterexample and path, and how to replay it.
 * @example await holds(sameAuthorizerDecision(world, 'auth', [['Authorization', 'Bearer t']]), { runs: 100, timeLimitMs: 12_000 })
 */
export async function holds<T>(property: fc.IAsyncProperty<T>, bounds: Bounds): Promise<void> {
  const details = await fc.check(property, {
    seed,
    path,
    numRuns: Math.round(bounds.runs * scale),
    plugins: [fc.interruptAfterTimeLimit(bounds.timeLimitMs * scale)],
  })
  if (details.interrupted && !details.failed) {
    // Not a failure (the machine is shared and may be slow), but the reader should know.
    console.warn(`property stopped at its time limit after ${details.numRuns} of ${Math.round(bounds.runs * scale)} runs (seed ${seed})`)
  }
  if (!details.failed) return
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
  const replay = `Replay: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath} npx vitest run test/e2e/properties.test.ts -t ${testNamePattern()}`
  throw new Error(`${fc.defaultReportMessage(details)}\n\nThe shrunk counterexample failed with:\n${error}\n\n${replay}`)
}

/** The running test's name as a shell-quoted `-t` pattern (a regex) that selects only it. */
function testNamePattern(): string {
  const name = expect.getState().currentTestName?.split(' > ').at(-1) ?? ''
  return `'${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, `'\\''`)}'`
}
