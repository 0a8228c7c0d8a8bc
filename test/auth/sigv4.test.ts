import { describe, expect, it } from 'vitest'
import { AwsV4Signer } from 'aws4fetch'
import { parseIamCredentials, verifySignature } from '../../src/auth/sigv4'

const keys = parseIamCredentials('AKIDONE:secret-one,AKIDTWO:secret-two')
const url = 'http://127.0.0.1:8787/prod/@connections/AAN1gE2pQkq-Yw%3D%3D'

async function signed(options: { secret?: string; body?: string; region?: string; service?: string } = {}) {
  const body = options.body ?? 'hello'
  const signer = new AwsV4Signer({ url, method: 'POST', body, accessKeyId: 'AKIDTWO', secretAccessKey: options.secret ?? 'secret-two', service: options.service ?? 'execute-api', region: options.region ?? 'eu-west-1' })
  const s = await signer.sign()
  return new Request(url, { method: 'POST', headers: s.headers, body })
}

const verify = async (request: Request, body = 'hello') => verifySignature(request, url, new TextEncoder().encode(body).buffer as ArrayBuffer, keys)

describe('SigV4 verification of @connections and control API callers', () => {
  it('accepts a signature made with a configured key, in any region', async () => {
    expect(await verify(await signed())).toBeUndefined()
    expect(await verify(await signed({ region: 'ap-south-1' }))).toBeUndefined()
  })

  it('refuses a wrong secret, a changed body, another service and a missing signature', async () => {
    expect(await verify(await signed({ secret: 'wrong' }))).toMatch(/does not match/)
    expect(await verify(await signed(), 'changed')).toMatch(/does not match/)
    expect(await verify(await signed({ service: 'lambda' }))).toMatch(/execute-api/)
    expect(await verify(new Request(url, { method: 'POST', body: 'hello' }))).toBe('Missing Authentication Token')
  })

  it('checks the service the caller names: apigateway for the control API, execute-api by default', async () => {
    const forControl = async (request: Request) => verifySignature(request, url, new TextEncoder().encode('hello').buffer as ArrayBuffer, keys, Date.now(), 'apigateway')
    expect(await forControl(await signed({ service: 'apigateway' }))).toBeUndefined()
    expect(await forControl(await signed())).toBe("Credential should be scoped to correct service: 'apigateway'")
    expect(await verify(await signed({ service: 'apigateway' }))).toBe("Credential should be scoped to correct service: 'execute-api'")
  })

  it('refuses a signature whose X-Amz-Date is more than five minutes away', async () => {
    const request = await signed()
    const at = Date.parse(request.headers.get('x-amz-date')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
    const body = new TextEncoder().encode('hello').buffer as ArrayBuffer
    expect(await verifySignature(request, url, body, keys, at + 4 * 60_000)).toBeUndefined()
    expect(await verifySignature(request, url, body, keys, at + 6 * 60_000)).toBe('Signature expired or X-Amz-Date is invalid')
  })

  it('reads GATEWAY_IAM_CREDENTIALS as AKID:SECRET pairs', () => {
    expect([...parseIamCredentials('A:1, B:2:3,bad')]).toEqual([
      ['A', '1'],
      ['B', '2:3'],
    ])
    expect(parseIamCredentials(undefined).size).toBe(0)
  })
})
