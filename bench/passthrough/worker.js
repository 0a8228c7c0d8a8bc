/**
 * A bare workerd passthrough: forwards the request, unchanged, to the backend named by the
 * BACKEND text binding and returns the response as it streams back. It measures the
 * runtime's own cost of one proxied request — the ceiling any Worker-based gateway can reach.
 *
 * @example
 *   // config: bindings = [ (name = "BACKEND", text = "http://127.0.0.1:9000") ]
 *   // GET http://127.0.0.1:8080/echo/a/b  →  GET http://127.0.0.1:9000/echo/a/b
 */
export default {
  fetch(request, env) {
    const url = new URL(request.url)
    return fetch(new Request(env.BACKEND + url.pathname + url.search, request))
  },
}
