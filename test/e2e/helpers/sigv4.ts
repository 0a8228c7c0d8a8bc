import { createHash, createHmac } from 'node:crypto'

/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does, written from the
 * SigV4 specification with node:crypto (not with the signer the gateway uses), so a test
 * server that accepts a request proves the gateway signed it correctly.
 */

export interface SigningKey {
  secretAccessKey: string
  /** When set, the request must carry (and sign) this `X-Amz-Security-Token`. */
  sessionToken?: string
}

export interface SignedBy {
  accessKeyId: string
  service: string
  region: string
  signedHeaders: string[]
}

export interface ToVerify {
  method: string
  /** The raw request target: path and query as received. */
  target: string
  headers: [string, string][]
  body: Buffer
}

const authorization = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/

/**
 * The signer, or why the signature is refused.
 * @example
 * const result = verifySigV4(received, new Map([['AKIDEXAMPLE', { secretAccessKey: 'secret' }]]))
 * if ('error' in result) res.writeHead(403).end(result.error)
 */
export function verifySigV4(r: ToVerify, keys: Map<string, SigningKey>, now = Date.now()): SignedBy | { error: string } {
  const get = (name: string) => {
    const values = r.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim().replace(/\s+/g, ' '))
    return values.length ? values.join(',') : undefined
  }
  const m = authorization.exec(get('authorization') ?? '')
  if (!m) return { error: 'missing or malformed Authorization header' }
  const [, accessKeyId, day, region, service, signedList, signature] = m
  const key = keys.get(accessKeyId)
  if (!key) return { error: `unknown access key ${accessKeyId}` }
  const date = get('x-amz-date') ?? ''
  const at = Date.parse(date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
  if (Number.isNaN(at) || Math.abs(now - at) > 5 * 60_000) return { error: `X-Amz-Date ${date} is missing or more than 5 minutes off` }
  if (!date.startsWith(day)) return { error: 'credential scope date differs from X-Amz-Date' }
  const signedHeaders = signedList.split(';')
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return { error: 'host and x-amz-date must be signed' }
  if (key.sessionToken !== undefined && (get('x-amz-security-token') !== key.sessionToken || !signedHeaders.includes('x-amz-security-token'))) {
    return { error: 'the session token is missing, wrong or unsigned' }
  }

  const q = r.target.indexOf('?')
  const path = q === -1 ? r.target : r.target.slice(0, q)
  const canonicalUri = path.replace(/\/+/g, '/').split('/').map(uriEncode).join('/')
  const canonicalQuery = [...new URLSearchParams(q === -1 ? '' : r.target.slice(q + 1))]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map((p) => p.join('='))
    .join('&')
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${get(h) ?? ''}\n`).join('')
  const payloadHash = get('x-amz-content-sha256') ?? createHash('sha256').update(r.body).digest('hex')
  const canonicalRequest = [r.method, canonicalUri, canonicalQuery, canonicalHeaders, signedList, payloadHash].join('\n')
  const scope = `${day}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n')
  let k: Buffer = hmac(`AWS4${key.secretAccessKey}`, day)
  for (const part of [region, service, 'aws4_request']) k = hmac(k, part)
  const expected = createHmac('sha256', k).update(stringToSign).digest('hex')
  if (expected !== signature) return { error: 'The request signature we calculated does not match the signature you provided' }
  return { accessKeyId, service, region, signedHeaders }
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()

/** RFC 3986 encoding of everything but unreserved characters (AWS's UriEncode). */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
