import { execFileSync } from 'node:child_process'

// The Worker imports the compiled route table; build it from routes/ once before any test.
export default function setup() {
  execFileSync(process.execPath, ['bin/gateway.js', 'build', 'routes'], { stdio: 'inherit' })
}
