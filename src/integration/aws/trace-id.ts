import { traceIdFor } from '../request-headers'

/**
 * The `X-Amzn-Trace-Id` AWS and AWS_PROXY integrations pass on and return: the client's own
 * when it names a parent; a client `Root=` alone gets a fresh `Parent=`; none, a new trace.
 * @example awsTraceId('Root=1-5f84c7a0-0123456789abcdef01234567', requestId, now) // 'Root=1-…;Parent=53995c3f42cd8ad8'
 */
export function awsTraceId(incoming: string | null, requestId: string, now: number): string {
  if (incoming && /(^|;)\s*Parent=/i.test(incoming)) return incoming
  const root = incoming?.trim() || `${traceIdFor(requestId, now)};Sampled=0`
  return root.replace(/^(Root=[^;]*)/, `$1;Parent=${parentId()}`)
}

function parentId(): string {
  let hex = ''
  for (const b of crypto.getRandomValues(new Uint8Array(8))) hex += b.toString(16).padStart(2, '0')
  return hex
}
