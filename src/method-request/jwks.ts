import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyOptions } from 'jose'

export type KeySet = ReturnType<typeof createLocalJWKSet>

/**
 * Signing keys out of reach: the endpoint is down, slow, oversized or answers something that is
 * no key set. The request fails closed (500); the next request tries again.
 */
export class KeysUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'KeysUnavailable'
  }
}

/** AWS's bounds on a JWT authorizer's discovery and JWKS fetches (../shared/spec §5.10). */
export const keyFetchLimits = { timeoutMs: 1500, maxBytes: 150_000 }
/** Keys are refreshed after this long. */
const maxAgeMs = 600_000
/** A token naming an unknown `kid` refetches the keys, at most this often per key set. */
const cooldownMs = 30_000

interface Held {
  keys: KeySet
  fetchedAt: number
  /** When a token naming an unknown key last made us refetch. */
  refetchedAt: number
}

/**
 * The signing keys of token issuers, held per JWKS URL for the life of the route table: fetched
 * when missing or older than ten minutes, and — at most once per 30 s — when a token names a
 * `kid` they lack (key rotation). A refresh that fails keeps the keys held. Each request
 * fetches for itself: workerd cancels a request that waits on another request's I/O, so an
 * in-flight fetch is never shared.
 * @example
 * const store = createKeyStore()
 * const keys = await store.keys(await store.jwksUriOf('https://issuer.example.com'))
 */
export function createKeyStore() {
  const keySets = new Map<string, Held>()
  const discovered = new Map<string, { jwksUri: string; fetchedAt: number }>()

  return {
    /** The `jwks_uri` of an issuer's OIDC discovery document (`{issuer}/.well-known/openid-configuration`). */
    async jwksUriOf(issuer: string, now = Date.now()): Promise<string> {
      const held = discovered.get(issuer)
      if (held && now - held.fetchedAt < maxAgeMs) return held.jwksUri
      const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`
      let jwksUri: unknown
      try {
        jwksUri = ((await fetchJson(url)) as { jwks_uri?: unknown } | null)?.jwks_uri
      } catch (e) {
        if (!held) throw e
        held.fetchedAt = retryLater(now)
        return held.jwksUri
      }
      if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw new KeysUnavailable(`${url} has no jwks_uri`)
      discovered.set(issuer, { jwksUri, fetchedAt: now })
      return jwksUri
    },

    /** The issuer's key set as held now, without fetching: undefined when missing or due for a refresh. */
    heldKeysOf(issuer: string, now = Date.now()): KeySet | undefined {
      const found = discovered.get(issuer)
      if (!found || now - found.fetchedAt >= maxAgeMs) return undefined
      const held = keySets.get(found.jwksUri)
      return held && now - held.fetchedAt < maxAgeMs ? held.keys : undefined
    },

    /** The key set at `uri`; `unknownKey` asks for a refetch because a token named a key it lacks. */
    async keys(uri: string, unknownKey = false, now = Date.now()): Promise<KeySet> {
      const held = keySets.get(uri)
      if (held && (unknownKey ? now - held.refetchedAt < cooldownMs : now - held.fetchedAt < maxAgeMs)) return held.keys
      if (held && unknownKey) held.refetchedAt = now
      let keys: KeySet
      try {
        const body = (await fetchJson(uri)) as JSONWebKeySet
        if (!Array.isArray(body?.keys)) throw new KeysUnavailable(`${uri} is not a JWKS (no "keys" list)`)
        keys = createLocalJWKSet(body)
      } catch (e) {
        if (held) {
          if (!unknownKey) held.fetchedAt = retryLater(now)
          return held.keys
        }
        throw e instanceof KeysUnavailable ? e : new KeysUnavailable(`${uri}: ${e}`, { cause: e })
      }
      keySets.set(uri, { keys, fetchedAt: now, refetchedAt: held?.refetchedAt ?? 0 })
      return keys
    },
  }
}

export type KeyStore = ReturnType<typeof createKeyStore>

/**
 * `jwtVerify` against the keys at `uri`, refetching them once (within the cooldown) when the
 * token names a key they lack: how an issuer's key rotation reaches us.
 * @example const { payload } = await verifyWithRotation(token, store, jwksUri, { issuer, algorithms: ['RS256'] })
 */
export async function verifyWithRotation(token: string, store: KeyStore, uri: string, options: JWTVerifyOptions) {
  try {
    return await jwtVerify(token, await store.keys(uri), options)
  } catch (e) {
    if (!(e instanceof errors.JWKSNoMatchingKey)) throw e
    return await jwtVerify(token, await store.keys(uri, true), options)
  }
}

/** After a failed refresh the held keys serve on, and the next refresh waits a cooldown, not every request. */
const retryLater = (now: number) => now - maxAgeMs + cooldownMs

/** GET a JSON document within AWS's time and size bounds. */
async function fetchJson(url: string): Promise<unknown> {
  const { timeoutMs, maxBytes } = keyFetchLimits
  let res: Response
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
  } catch (e) {
    throw new KeysUnavailable(`${url} unreachable: ${e}`, { cause: e })
  }
  if (!res.ok) {
    await res.body?.cancel()
    throw new KeysUnavailable(`${url} answered ${res.status}`)
  }
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel()
    throw new KeysUnavailable(`${url} is larger than ${maxBytes} bytes`)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = res.body?.getReader()
  try {
    // Read by chunks so a body with no (or a false) Content-Length stops at the bound too.
    for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
      size += read.value.byteLength
      if (size > maxBytes) throw new KeysUnavailable(`${url} is larger than ${maxBytes} bytes`)
      chunks.push(read.value)
    }
  } catch (e) {
    await reader?.cancel().catch(() => {})
    throw e instanceof KeysUnavailable ? e : new KeysUnavailable(`${url} unreadable: ${e}`, { cause: e })
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) bytes.set(chunk, (at += chunk.byteLength) - chunk.byteLength)
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new KeysUnavailable(`${url} is not JSON`)
  }
}
