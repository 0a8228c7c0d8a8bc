#!/usr/bin/env node
// The `gateway` command (build, validate, serve). TypeScript runs through tsx, so a
// checkout needs no build step after `npm install`. The build `wrangler dev` reruns on every save
// runs from a bundle instead (bin/bundled-cli.js): requests wait on it.
const args = process.argv.slice(2)
const cli = (args[0] === 'build' && process.env.WRANGLER_COMMAND === 'dev' && (await (await import('./bundled-cli.js')).bundledCli())) || (await fromSource())
process.exitCode = await cli.main(args)

async function fromSource() {
  const { register } = await import('tsx/esm/api')
  register()
  return import('../src/cli/main.ts')
}
