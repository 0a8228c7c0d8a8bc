import { AwsV4Signer } from 'aws4fetch'
import { fetchWholeWithTimeout, type WholeResponse } from '../fetch-with-timeout'

/** Derived signing keys, per secret, day, region and service (aws4fetch's cache). */
const signingKeys = new Map<string, ArrayBuffer>()

/** What SigV4 signs with: an access key, its secret and, for temporary credentials, the session token. */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface SignedRequest {
  url: string
  method: string
  headers: Headers
  body: Uint8Array | null
  /** The SigV4 scope: the service's signing name and the ARN's region. */
  service: string
  region: string
}

/**
 * Signs a request with AWS Signature Version 4 (aws4fetch) and sends it once, the whole answer
 * read within the integration's timeout: no retries, as API Gateway's integration call makes none.
 * @example
 * const { response, bytes } = await signedFetch({ url, method: 'POST', headers, body, service: 'lambda', region: 'us-east-1' }, credentials, 29000)
 */
export async function signedFetch(request: SignedRequest, credentials: AwsCredentials, timeoutMs: number): Promise<WholeResponse> {
  // Secrets of assumed roles change hourly: keep the cache from growing without bound.
  if (signingKeys.size > 64) signingKeys.clear()
  const signer = new AwsV4Signer({
    url: request.url,
    method: request.method,
    headers: request.headers,
    body: request.body,
    ...credentials,
    service: request.service,
    region: request.region,
    cache: signingKeys,
  })
  const signed = await signer.sign()
  return fetchWholeWithTimeout(signed.url.toString(), { method: request.method, headers: signed.headers, body: request.body, redirect: 'manual' }, timeoutMs)
}
