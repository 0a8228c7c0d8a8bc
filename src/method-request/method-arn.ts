import type { Invocation } from '../invocation'
import type { Api } from '../definitions/table'
import { decodeSegment } from '../router/decode-segment'

/**
 * `arn:aws:execute-api:{region}:{account}:{apiId}/{rest}`, in the API's own region and account
 * (`x-gateway.region`, `x-gateway.accountId`).
 * @example executeApiArn(api, 'prod/$connect') // 'arn:aws:execute-api:eu-west-1:123456789012:chat/prod/$connect'
 */
export const executeApiArn = (api: Pick<Api, 'id' | 'region' | 'accountId'>, rest: string) => `arn:aws:execute-api:${api.region}:${api.accountId}:${api.id}/${rest}`

/**
 * `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}` (../shared/spec §5.1):
 * what an authorizer's policy must allow, and what `execute-api:InvalidateCache` is judged on.
 * `{path}` is the path the router matched (`matchedPath`), never the path as spelled, so every
 * spelling that reaches one method with the same parameter values is judged the same.
 * @example methodArn(inv) // 'arn:aws:execute-api:local:000000000000:petstore/dev/GET/pets/7'
 */
export const methodArn = (inv: Invocation) => executeApiArn(inv.api, `${inv.stage.name}/${inv.httpMethod}${matchedPath(inv.method!.resourcePath, inv.pathParameters)}`)

/**
 * The matched resource's path template with the request's parameter values put in: what the
 * router matched, whatever the spelling (`/auth//secret/`, `/auth/%73ecret`, `//auth/secret` are
 * all `/auth/secret`). Each segment is percent-decoded, as the router compares it, and empty
 * segments do not count. A decoded `%` or `/` inside a segment is written `%25` and `%2F`, so a
 * value can never look like more segments (`/files/a%2Fb` is not `/files/a/b`) and two different
 * values never share an ARN. The root is `/`.
 * @example matchedPath('/files/{key+}', { key: 'a//b%2Fc/%64' }) // '/files/a/b%2Fc/d'
 */
export function matchedPath(template: string, pathParameters: Record<string, string>): string {
  if (template === '/') return '/'
  let path = ''
  for (const part of template.slice(1).split('/')) {
    if (part.charCodeAt(0) !== OPEN_BRACE) {
      path += '/' + escapeSegment(part)
      continue
    }
    const name = part.slice(1, part.endsWith('+}') ? -2 : -1)
    const value = Object.hasOwn(pathParameters, name) ? pathParameters[name] : undefined
    // Never a shorter path than the template: an unfilled parameter stays as written.
    if (value === undefined) {
      path += '/' + part
      continue
    }
    // A greedy value spans segments: each counts on its own, empty ones not at all.
    for (const segment of value.split('/')) if (segment !== '') path += '/' + escapeSegment(decodeSegment(segment))
  }
  return path
}

const OPEN_BRACE = 123
const escapeSegment = (text: string) => (text.includes('%') || text.includes('/') ? text.replaceAll('%', '%25').replaceAll('/', '%2F') : text)
