import { readFile } from 'node:fs/promises'
import type { Plugin } from 'esbuild'

/**
 * Files the Worker imports as text (the dashboard's page, scripts, styles and uPlot): the same
 * list as the `Text` rule in wrangler.toml, for the bundlers that don't read it.
 */
export const textModule = /(\.html|\.css|\.client\.js|uPlot\.iife\.min\.js)$/

/**
 * esbuild plugin for `gateway serve`: a text module's default export is its contents.
 * @example await build({ …, plugins: [textModules()] })
 */
export const textModules = (): Plugin => ({
  name: 'text-modules',
  setup(build) {
    build.onLoad({ filter: textModule }, async (args) => ({ contents: await readFile(args.path, 'utf8'), loader: 'text' }))
  },
})
