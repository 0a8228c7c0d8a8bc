import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { readFileSync } from 'node:fs'
import { defineConfig, type Plugin } from 'vitest/config'
import { textModule } from './src/cli/text-modules.ts'

const table = new URL('./.gateway/table.js', import.meta.url).pathname
// The conformance suites' opt-out (test/e2e/conformance/corpus.ts), handed to both projects:
// tests inside workerd cannot read the environment.
// wrangler.toml's Text rule for the tests inside workerd: a text module's default export is its contents.
const textModules: Plugin = {
  name: 'text-modules',
  enforce: 'pre',
  load(id) {
    const path = id.split('?')[0]
    if (textModule.test(path)) return `export default ${JSON.stringify(readFileSync(path, 'utf8'))}`
  },
}

const provide = { skipConformance: process.env.GATEWAY_SKIP_CONFORMANCE === '1' }

// Two projects: unit/integration tests inside workerd (real Durable Objects and KV),
// and end-to-end tests in Node that drive `gateway serve` over real sockets.
export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    projects: [
      {
        plugins: [textModules, cloudflareTest({ main: './src/index.ts', wrangler: { configPath: './wrangler.toml' } })],
        resolve: { alias: { '@gateway/table': table } },
        test: {
          name: 'workers',
          provide,
          // itty-durable's entry is CommonJS requiring ES modules; pre-bundle it as the build does.
          deps: { optimizer: { ssr: { enabled: true, include: ['itty-durable'] } } },
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/node/**'],
        },
      },
      {
        test: {
          name: 'node',
          provide,
          environment: 'node',
          include: ['test/e2e/**/*.test.ts', 'test/node/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
