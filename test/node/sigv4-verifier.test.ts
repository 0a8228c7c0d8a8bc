import { describe, expect, it } from 'vitest'
import { AwsV4Signer } from 'aws4fetch'
import { verifySigV4 } from '../e2e/helpers/sigv4'

/** The test servers' SigV4 check must refuse what AWS would refuse, or the e2e tests prove nothing. */
const keys = new Map([['AKIDEXAMPLE', { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }]])

async function signed(body = '{"a":1}', target = '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/invocations?q=a%20b') {
  const signer = new AwsV4Signer({
    url: `http://127.0.0.1:9000${target}`,
    method: 'POST',
    headers: { 'x-amz-invocation-type': 'Event' },
    body,
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: keys.get('AKIDEXAMPLE')!.secretAccessKey,
    service: 'lambda',
    region: 'us-east-1',
  })
  const { headers } = await signer.sign()
  return { method: 'POST', target, headers: [['Host', '127.0.0.1:9000'], ...[...(headers as unknown as Iterable<[string, string]>)]] as [string, string][], body: Buffer.from(body) }
}

describe('SigV4 verifier of the test servers', () => {
  it('accepts a correctly signed request', async () => {
    expect(verifySigV4(await signed(), keys)).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', service: 'lambda', region: 'us-east-1' })
  })

  it('refuses a changed body, path, signed header or key', async () => {
    const r = await signed()
    expect(verifySigV4({ ...r, body: Buffer.from('{"a":2}') }, keys)).toEqual({ error: expect.stringMatching(/signature we calculated does not match/) })
    expect(verifySigV4({ ...r, target: r.target.replace('function%3Af', 'function%3Ag') }, keys)).toEqual({ error: expect.stringMatching(/signature we calculated does not match/) })
    expect(verifySigV4({ ...r, headers: r.headers.map(([n, v]) => [n, n === 'x-amz-invocation-type' ? 'RequestResponse' : v] as [string, string]) }, keys)).toEqual({ error: expect.stringMatching(/signature we calculated does not match/) })
    expect(verifySigV4(r, new Map([['AKIDEXAMPLE', { secretAccessKey: 'other' }]]))).toEqual({ error: expect.stringMatching(/signature we calculated does not match/) })
  })

  it('refuses a stale date and a missing session token', async () => {
    const r = await signed()
    expect(verifySigV4(r, keys, Date.now() + 10 * 60_000)).toEqual({ error: expect.stringMatching(/more than 5 minutes off/) })
    expect(verifySigV4(r, new Map([['AKIDEXAMPLE', { ...keys.get('AKIDEXAMPLE')!, sessionToken: 't' }]]))).toEqual({ error: expect.stringMatching(/session token is missing, wrong or unsigned/) })
  })
})
