import { recordMetric, type MetricDimensions } from '../metrics'

/** Beyond AWS: access-log lines an HTTP sink lost (down, refused, too slow, or its queue full). */
export const droppedMetric = 'AccessLogDropped'

/** How a sink batches, waits and bounds its memory (docs/observability.md). */
export const sinkLimits = {
  /** A line waits at most this long for others before its batch is sent. */
  flushAfterMs: 500,
  /** Lines per POST. */
  batchLines: 500,
  /** Lines held while the sink is slow; past this, new lines are dropped (and counted). */
  maxQueuedLines: 10_000,
  /** A POST without an answer by then is abandoned and its lines dropped. */
  timeoutMs: 3000,
  /** How long one request's waitUntil keeps sending; lines left then wait for the next request's. */
  drainBudgetMs: 20_000,
}

/** Sends one access-log line; `owner` is the stage its drops are counted under (undefined: not counted). */
export type SendLine = (line: string, owner: MetricDimensions | undefined, ctx: ExecutionContext | undefined, now: number) => void

/**
 * An HTTP log sink: lines are POSTed in batches (`text/plain`, one line each), one POST at a time,
 * off the response path: the request whose line finds no send under way keeps the sending alive
 * with `waitUntil`. A sink that is down, answers other than 2xx, or takes longer than `timeoutMs`
 * loses that batch: no retry, so the `AccessLogDropped` count is exactly the lines lost. The
 * reason is logged once per failure streak, and once more when lines get through again.
 * @example
 * const send = createHttpSink('http://127.0.0.1:9880/logs')
 * send('r1 200 12', { apiId: 'pets', stage: 'prod' }, ctx, Date.now())
 */
export function createHttpSink(url: string, limits = sinkLimits): SendLine {
  // Logged without query or credentials, which may hold a token.
  const shown = (({ origin, pathname }) => origin + pathname)(new URL(url))
  const lines: string[] = []
  const owners: (MetricDimensions | undefined)[] = []
  /** When the running drain started; 0 when none runs. */
  let drainingSince = 0
  /** The current failure streak: its reason, and the lines dropped in it. */
  let failing: string | undefined
  let droppedInStreak = 0

  const drop = (lost: (MetricDimensions | undefined)[], reason: string) => {
    const counts = new Map<MetricDimensions, number>()
    for (const owner of lost) if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1)
    for (const [owner, n] of counts) recordMetric(droppedMetric, owner, n)
    if (failing === undefined) console.error(`access log sink ${shown}: ${reason}; dropping lines until it answers`)
    failing = reason
    droppedInStreak += lost.length
  }

  async function sendBatch(): Promise<void> {
    const batch = lines.splice(0, limits.batchLines)
    const who = owners.splice(0, limits.batchLines)
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `${batch.join('\n')}\n`,
        signal: AbortSignal.timeout(limits.timeoutMs),
      })
      await response.body?.cancel()
      if (!response.ok) return drop(who, `answered ${response.status}`)
      if (failing !== undefined) console.error(`access log sink ${shown}: delivering again after ${droppedInStreak} lines were dropped`)
      failing = undefined
      droppedInStreak = 0
    } catch (e) {
      drop(who, e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${limits.timeoutMs} ms` : `unreachable (${e instanceof Error ? e.message : String(e)})`)
    }
  }

  async function drain(startedAt: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, limits.flushAfterMs))
    try {
      while (lines.length > 0 && Date.now() - startedAt < limits.drainBudgetMs) await sendBatch()
    } finally {
      drainingSince = 0
    }
  }

  return function send(line, owner, ctx, now) {
    if (lines.length >= limits.maxQueuedLines) return drop([owner], `queue full (${lines.length} lines waiting)`)
    lines.push(line)
    owners.push(owner)
    // A drain whose request was cancelled never finishes: past its budget, the next line starts another.
    if (drainingSince !== 0 && now < drainingSince + limits.drainBudgetMs + limits.timeoutMs) return
    drainingSince = now
    const draining = drain(now)
    ctx?.waitUntil(draining)
  }
}
