import { execFileSync } from 'node:child_process'

// vitest-pool-workers talks to each test file's runner over a WebSocket; when the file ends, workerd
// logs this one line for that socket (the pool drops its sibling "WebSocket was aborted" itself, but
// not this wording). Exactly this line is dropped: any other workerd output still shows.
const poolDisconnect = /^exception = workerd\/api\/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected\n$/

// The Worker imports the compiled route table; build it from routes/ once before any test.
export default function setup() {
  execFileSync(process.execPath, ['bin/gateway.js', 'build', 'routes'], { stdio: 'inherit' })
  // The AWS SDK (the @connections client in the WebSocket tests) warns about Node 20 in every test
  // process; the node project's forks inherit this.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  // The pool writes each workerd log line in one call, from this (the main) process, to stdout.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      typeof chunk === 'string' && poolDisconnect.test(chunk) ? true : write(chunk, ...rest)) as typeof stream.write
  }
}
