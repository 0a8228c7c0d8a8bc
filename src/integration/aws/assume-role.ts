import type { Invocation } from '../../invocation'
import { GatewayError } from '../../gateway-responses/error'
import { endpointFor } from './endpoints'
import { signedFetch, type AwsCredentials } from './sign'
import type { WholeResponse } from '../fetch-with-timeout'

/** A role's temporary credentials, as STS hands them out. */
interface Assumed {
  credentials: AwsCredentials
  /** STS's `Expiration`, in epoch ms. */
  expiresAt: number
}

/** Assumed roles, per isolate: one STS call per role and hour, not per request. */
const held = new Map<string, Assumed>()
/** Refresh this long before STS's expiry, so a request never signs with credentials about to lapse. */
const marginMs = 5 * 60_000
const stsTimeoutMs = 5_000

/**
 * The role's temporary credentials from STS AssumeRole (signed with the gateway's own), kept
 * until shortly before they expire. Only settled credentials are kept: requests arriving while
 * the first call is in flight make their own, as workerd cancels a request that waits on another
 * request's I/O. STS is reached like any service: `x-gateway.awsEndpoints.sts`, else `default`,
 * else `sts.{region}.amazonaws.com`.
 * @example
 * const temporary = await assumeRole(inv, own, 'arn:aws:iam::123456789012:role/apigw-invoke', 'eu-west-1')
 */
export async function assumeRole(inv: Invocation, own: AwsCredentials, roleArn: string, region: string): Promise<AwsCredentials> {
  const endpoint = endpointFor(inv.api, inv.env, 'sts', region)
  const key = `${own.accessKeyId}\n${roleArn}\n${endpoint}`
  const current = held.get(key)
  if (current && Date.now() < current.expiresAt - marginMs) return current.credentials
  const assumed = await callSts(inv, own, roleArn, endpoint, region)
  held.set(key, assumed)
  return assumed.credentials
}

async function callSts(inv: Invocation, own: AwsCredentials, roleArn: string, endpoint: string, region: string): Promise<Assumed> {
  const form = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: roleArn,
    RoleSessionName: `edge-api-gateway-${inv.api.id}`.slice(0, 64),
  })
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })
  const fail = (why: string) => {
    console.error(`${inv.api.id}: cannot assume ${roleArn} through STS at ${endpoint}: ${why}`)
    return new GatewayError('API_CONFIGURATION_ERROR')
  }
  let answer: WholeResponse
  try {
    answer = await signedFetch({ url: `${endpoint}/`, method: 'POST', headers, body: encoder.encode(form.toString()), service: 'sts', region }, own, stsTimeoutMs)
  } catch (e) {
    throw fail(`STS unreachable (${(e as Error).cause ?? (e as Error).message})`)
  }
  const xml = new TextDecoder().decode(answer.bytes)
  if (!answer.response.ok) throw fail(`${answer.response.status} ${element(xml, 'Code') ?? ''} ${element(xml, 'Message') ?? ''}`.trim())
  const accessKeyId = element(xml, 'AccessKeyId')
  const secretAccessKey = element(xml, 'SecretAccessKey')
  const sessionToken = element(xml, 'SessionToken')
  const expiresAt = Date.parse(element(xml, 'Expiration') ?? '')
  if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiresAt)) throw fail('STS answered without credentials')
  return { credentials: { accessKeyId, secretAccessKey, sessionToken }, expiresAt }
}

/** STS answers in XML; the few fields needed are read by name (Workers have no DOM parser). */
function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)
  return m ? unescapeXml(m[1].trim()) : undefined
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!)

const encoder = new TextEncoder()
