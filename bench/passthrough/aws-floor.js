/**
 * The bare passthrough plus only the headers AWS's HTTP_PROXY puts on the wire, with fixed
 * values: three on the request to the backend, the request ids, Date and the three headers a
 * Node backend's response gets renamed (`x-amzn-Remapped-*`). No routing, no checks, no
 * mapping: what AWS's wire format costs a proxy written the passthrough's way, to read the gateway's
 * ratio against.
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

export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    const outgoing = new Request(env.BACKEND + url.pathname + url.search, request)
    outgoing.headers.set('x-amzn-apigateway-api-id', 'floor00001')
    outgoing.headers.set('x-amzn-trace-id', 'Root=1-6743b1a0-0123456789abcdef01234567')
    outgoing.headers.set('x-forwarded-for', '127.0.0.1')
    const upstream = await fetch(outgoing)
    return new Response(upstream.body, {
      status: upstream.status,
      headers: {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
        date: httpDate(),
        'x-amzn-RequestId': '8b37666d-a891-4ba7-a8f7-9c0176aa26ea',
        'x-amz-apigw-id': 'hYI3Jxj52GWME7Y=',
        'x-amzn-Remapped-Connection': 'keep-alive',
        'x-amzn-Remapped-Content-Length': upstream.headers.get('content-length') ?? '0',
        'x-amzn-Remapped-Date': upstream.headers.get('date') ?? '',
      },
    })
  },
}
