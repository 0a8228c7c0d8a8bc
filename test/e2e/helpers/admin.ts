import { rawRequest } from './http'

/**
 * A caller of the admin API (`/_gateway/admin/…`) of a running gateway, with its token.
 * @example const admin = adminClient(gateway.url, token); const { json: key } = await admin('POST', '/apikeys', { name: 'k', usagePlans: ['gold'] })
 */
export function adminClient(url: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await rawRequest(url, {
      method,
      path: `/_gateway/admin${path}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    })
    return { status: res.status, json: res.text ? JSON.parse(res.text) : undefined }
  }
}
