import type { Document } from './schema'

type Report = (path: (string | number)[], message: string) => void

/**
 * `x-amazon-apigateway-policy`, the resource policy, is not enforced here. A policy that lets
 * anyone invoke anything (what the console writes by default) loses nothing by that; any other
 * (an IP allow-list, a VPC condition, a Deny) would be silently opened, so it is refused unless
 * `x-gateway.ignoreResourcePolicy` says to serve without it.
 */
export function checkResourcePolicy(doc: Document, report: Report) {
  const policy = doc['x-amazon-apigateway-policy']
  if (policy === undefined || doc['x-gateway']?.ignoreResourcePolicy || allowsEveryone(policy)) return
  report(
    ['x-amazon-apigateway-policy'],
    'resource policies are not enforced, so this one would be opened to every caller: remove it, or set x-gateway.ignoreResourcePolicy: true to serve without it',
  )
}

const anyone = (principal: unknown) =>
  principal === '*' || (typeof principal === 'object' && principal !== null && (principal as { AWS?: unknown }).AWS === '*')
const invokeAll = (action: unknown) => [action].flat().some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke')
// `execute-api:/*` as exported, or the ARN it becomes on import: every stage, method and path of the API.
const everyResource = (resource: unknown) =>
  [resource].flat().some((r) => typeof r === 'string' && (r === '*' || /^(execute-api:|arn:aws[\w-]*:execute-api:[^:]+:[^:]+:[^/]+)\/\*$/.test(r)))

/** Every statement is an unconditional Allow of execute-api:Invoke on the whole API to any principal. */
function allowsEveryone(policy: unknown): boolean {
  // AWS's API hands the policy out as JSON text; an export has it as an object.
  if (typeof policy === 'string') return allowsEveryone(parseJson(policy))
  const statements = [(policy as { Statement?: unknown } | null)?.Statement ?? []].flat() as Record<string, unknown>[]
  return (
    statements.length > 0 &&
    statements.every(
      (s) =>
        typeof s === 'object' &&
        s !== null &&
        s.Effect === 'Allow' &&
        s.Condition === undefined &&
        s.NotPrincipal === undefined &&
        s.NotAction === undefined &&
        s.NotResource === undefined &&
        anyone(s.Principal) &&
        invokeAll(s.Action) &&
        everyResource(s.Resource),
    )
  )
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
