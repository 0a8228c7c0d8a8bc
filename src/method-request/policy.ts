/** A Lambda authorizer's `policyDocument`, compiled once (and reused from the authorizer cache). */
export interface Policy {
  statements: { allow: boolean; actions: RegExp[]; resources: RegExp[] }[]
}

/** What a policy says about one action on one resource, as IAM decides it. */
export type Decision = 'Allow' | 'Deny' | 'ImplicitDeny'

/**
 * Compiles a policy document: `Statement` an object or a list, `Action` and `Resource` a string
 * or a list, `*` and `?` wildcards anywhere (`*` crosses `/`). Returns why it is unusable instead.
 * `Condition`, `NotAction` and `NotResource` are not evaluated: a statement with them is refused
 * rather than read more permissively than written.
 * @example compilePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*' }] })
 */
export function compilePolicy(doc: unknown): Policy | { error: string } {
  if (!isObject(doc)) return { error: 'policyDocument is not an object' }
  const raw = Array.isArray(doc.Statement) ? doc.Statement : isObject(doc.Statement) ? [doc.Statement] : undefined
  if (!raw) return { error: 'policyDocument has no Statement' }
  const statements: Policy['statements'] = []
  for (const s of raw) {
    if (!isObject(s)) return { error: 'a Statement is not an object' }
    if ('Condition' in s || 'NotAction' in s || 'NotResource' in s) return { error: 'Condition, NotAction and NotResource are not supported' }
    const effect = typeof s.Effect === 'string' ? s.Effect.toLowerCase() : ''
    if (effect !== 'allow' && effect !== 'deny') return { error: `Effect must be Allow or Deny, not ${JSON.stringify(s.Effect)}` }
    const actions = stringList(s.Action)
    const resources = stringList(s.Resource)
    if (!actions || !resources) return { error: 'a Statement needs Action and Resource (a string or a list of strings)' }
    // IAM compares actions without regard to case, resources exactly.
    statements.push({ allow: effect === 'allow', actions: actions.map((a) => glob(a, 'i')), resources: resources.map((r) => glob(r, '')) })
  }
  return { statements }
}

/**
 * IAM's evaluation: a matching Deny wins, else a matching Allow allows, else the request is
 * implicitly denied.
 * @example evaluatePolicy(policy, 'execute-api:Invoke', methodArn(inv)) // 'Allow'
 */
export function evaluatePolicy(policy: Policy, action: string, resource: string): Decision {
  let allowed = false
  for (const s of policy.statements) {
    if (!s.actions.some((a) => a.test(action)) || !s.resources.some((r) => r.test(resource))) continue
    if (!s.allow) return 'Deny'
    allowed = true
  }
  return allowed ? 'Allow' : 'ImplicitDeny'
}

const glob = (pattern: string, flags: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, `s${flags}`)

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v]
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v
  return undefined
}
