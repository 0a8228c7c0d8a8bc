#!/usr/bin/env node
// The `gateway` command (build, validate, serve). TypeScript runs through tsx, so a
// checkout needs no build step after `npm install`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
