// @ts-check
/** The gateway refused the token: the page shows why and asks for it again. */
export class TokenRefused extends Error {}

/** What each refusal of the admin endpoints means to the person at the page. */
const refusals = {
  401: 'The gateway wants the admin token (401 Unauthorized).',
  403: 'Wrong admin token: the gateway answered 403 Forbidden.',
  503: 'The admin API is disabled on this gateway: set GATEWAY_ADMIN_TOKEN and restart it.',
}

/**
 * GETs one of the gateway's admin-token-protected JSON endpoints.
 * @example const metrics = await adminJson('/_gateway/metrics', token)
 * @param {string} path
 * @param {string} token
 */
export async function adminJson(path, token) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' })
  const refusal = refusals[/** @type {keyof typeof refusals} */ (response.status)]
  if (refusal) throw new TokenRefused(refusal)
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`)
  return response.json()
}
