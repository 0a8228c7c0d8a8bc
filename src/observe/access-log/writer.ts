/** How long a line may wait for others before it is written, and how many wait at most. */
export const flushAfterMs = 200
export const maxBufferedLines = 256

/**
 * Writes access-log lines in batches: one `console.log` (one write to stdout, one Workers Logs
 * event) per 200 ms or 256 lines instead of one per request, measured as the larger part of an
 * access log's cost (docs/benchmarks.md). The request whose line finds the buffer empty keeps a
 * timer of its own (waitUntil) that writes the batch; no request ever waits on it.
 * @example
 * const writeLine = createLineWriter((text) => console.log(text))
 * writeLine('r1 200 12', ctx)
 */
export function createLineWriter(write: (text: string) => void) {
  let lines: string[] = []
  let flushDue = 0

  const flush = () => {
    flushDue = 0
    if (lines.length === 0) return
    const text = lines.join('\n')
    lines = []
    write(text)
  }

  return function writeLine(line: string, ctx: ExecutionContext | undefined, now: number) {
    lines.push(line)
    if (lines.length >= maxBufferedLines || !ctx) return flush()
    // A timer whose request was cancelled never fires: past its due time, the next line schedules another.
    if (flushDue !== 0 && now < flushDue + 5 * flushAfterMs) return
    flushDue = now + flushAfterMs
    ctx.waitUntil(new Promise<void>((resolve) => setTimeout(resolve, flushAfterMs)).then(flush))
  }
}
