import { AwsV4Signer } from 'aws4fetch'
import { secretsEqual } from '../admin/auth'

const authorization = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/

/** How far X-Amz-Date may be from the gateway's clock, as AWS allows. */
const maxSkewMs = 5 * 60_000

/**
 * The access keys whose signatures the gateway accepts: `GATEWAY_IAM_CREDENTIALS=AKID:SECRET[,AKID:SECRET…]`.
 * @example parseIamCredentials('AKID1:s1,AKID2:s2') // Map { 'AKID1' => 's1', 'AKID2' => 's2' }
 */
export function parseIamCredentials(value: unknown): Map<string, string> {
  const keys = new Map<string, string>()
  if (typeof value !== 'string') return keys
  for (const pair of value.split(',')) {
    const at = pair.indexOf(':')
    if (at > 0 && at < pair.length - 1) keys.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
  }
  return keys
}

/**
 * Verifies an AWS Signature Version 4 `Authorization` header for one service (`execute-api` for
 * `@connections`, `apigateway` for the control plane), any region: the signature is recomputed with
 * aws4fetch over the headers the caller signed and the body received, and compared in constant
 * time. Returns why it is refused, or undefined when it holds. A signature replayed after its
 * X-Amz-Date is more than 5 minutes old is refused, as AWS refuses it.
 * @example const refusal = await verifySignature(request, url, body, keys)
 */
export async function verifySignature(
  request: Request,
  url: string,
  body: ArrayBuffer,
  keys: Map<string, string>,
  now = Date.now(),
  expectedService = 'execute-api',
): Promise<string | undefined> {
  const header = request.headers.get('authorization')
  if (!header) return 'Missing Authentication Token'
  const m = authorization.exec(header)
  if (!m) return 'Authorization header requires Credential, SignedHeaders and Signature'
  const [, accessKeyId, day, region, service, signedList, signature] = m
  if (service !== expectedService) return `Credential should be scoped to correct service: '${expectedService}'`
  const secret = keys.get(accessKeyId)
  if (secret === undefined) return 'The security token included in the request is invalid'
  const date = request.headers.get('x-amz-date') ?? ''
  const at = Date.parse(date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
  if (Number.isNaN(at) || Math.abs(now - at) > maxSkewMs || !date.startsWith(day)) return 'Signature expired or X-Amz-Date is invalid'
  const signed = signedList.split(';')
  if (!signed.includes('host')) return "'Host' must be a signed header"
  const contentHash = request.headers.get('x-amz-content-sha256')
  if (contentHash !== null && contentHash !== (await sha256Hex(body))) return 'The provided x-amz-content-sha256 header does not match what was computed'

  const headers = new Headers()
  for (const name of signed) if (name !== 'host') headers.set(name, request.headers.get(name) ?? '')
  const target = new URL(url)
  target.host = request.headers.get('host') ?? target.host
  const signer = new AwsV4Signer({ url: target.toString(), method: request.method, headers, body, accessKeyId, secretAccessKey: secret, service, region, datetime: date, allHeaders: true })
  if (signer.signedHeaders !== signedList) return 'The request signature we calculated does not match the signature you provided'
  const expected = await signer.signature()
  return (await secretsEqual(signature, expected)) ? undefined : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.'
}

async function sha256Hex(body: ArrayBuffer): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', body))].map((b) => b.toString(16).padStart(2, '0')).join('')
}
