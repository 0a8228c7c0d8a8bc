import { execFileSync } from 'node:child_process'

// The Worker imports the compiled route table; build it from routes/ once before any test.
export default function setup() {
  execFileSync(process.execPath, ['bin/gateway.js', 'build', 'routes'], { stdio: 'inherit' })
  // The AWS SDK (the @connections client in the WebSocket tests) warns about Node 20 in every test
  // process; the node project's forks inherit this.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
}
