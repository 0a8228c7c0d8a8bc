/**
 * The bare passthrough plus only what every AWS HTTP_PROXY request needs: the headers AWS puts
 * on the wire (three on the request to the backend; fresh request ids, Date and the three
 * headers a Node backend's response gets renamed, `x-amzn-Remapped-*`) and a deadline on the
 * backend's answer (AWS's 29 s). No routing, no checks, no mapping: what AWS's behaviour costs a
 * proxy written the passthrough's way, to read the gateway's ratio against.
 *
 * @example
 *   // config: bindings = [ (name = "BACKEND", text = "http://127.0.0.1:9000") ]
 *   // GET http://127.0.0.1:8080/echo/a/b  →  GET http://127.0.0.1:9000/echo/a/b
 */
let second = 0
let date = ''
/** Date, formatted once a second, as the gateway does. */
function httpDate() {
  const now = Math.floor(Date.now() / 1000)
  if (now !== second) {
    second = now
    date = new Date(now * 1000).toUTCString()
  }
  return date
}

/** Fresh ids per response, as AWS sends: a UUID and 11 random bytes in base64. */
const extendedId = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(11))))

export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    // The client's request copied natively, as the passthrough does, with the deadline on it.
    const outgoing = new Request(env.BACKEND + url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(29000),
    })
    const requestId = crypto.randomUUID()
    outgoing.headers.set('x-amzn-apigateway-api-id', 'floor00001')
    outgoing.headers.set('x-amzn-trace-id', 'Root=1-6743b1a0-0123456789abcdef01234567')
    outgoing.headers.set('x-forwarded-for', '127.0.0.1')
    const upstream = await fetch(outgoing)
    return new Response(upstream.body, {
      status: upstream.status,
      headers: {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
        date: httpDate(),
        'x-amzn-RequestId': requestId,
        'x-amz-apigw-id': extendedId(),
        'x-amzn-Remapped-Connection': 'keep-alive',
        'x-amzn-Remapped-Content-Length': upstream.headers.get('content-length') ?? '0',
        'x-amzn-Remapped-Date': upstream.headers.get('date') ?? '',
      },
    })
  },
}
