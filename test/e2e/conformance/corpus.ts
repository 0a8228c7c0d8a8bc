import { inject, it } from 'vitest'

/**
 * What the conformance suites (HTTP here, VTL in test/vtl/, gateway response defaults) do when their
 * corpus is absent. The corpus is part of the repository (test/conformance/), so a clone runs every
 * suite; an absent file fails, as a suite that never ran must not read as passed. `GATEWAY_SKIP_CONFORMANCE=1` (vitest.config.ts provides it to both
 * projects, as workerd cannot read the environment) skips the suites instead, loudly; `.ci/run`
 * refuses it.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    skipConformance: boolean
  }
}

const optOut = 'GATEWAY_SKIP_CONFORMANCE=1'

/**
 * Whether a conformance suite runs its cases. When it cannot (corpus absent) or may not (the
 * opt-out), registers the suite's one test instead: skipped and said out loud under the opt-out,
 * else failing with how to get the corpus or opt out.
 * @example
 * if (corpusRuns('http conformance', corpusFile, existsSync(corpusFile))) registerCases()
 */
export function corpusRuns(suite: string, corpus: string, present: boolean): boolean {
  if (inject('skipConformance')) {
    console.warn(`\n!!! ${suite}: NOT RUN (${optOut}). Nothing here proves conformance; CI runs it. !!!\n`)
    it.skip(`${suite} not run: ${optOut}`, () => {})
    return false
  }
  if (present) return true
  it(`${suite} has its corpus`, () => {
    throw new Error(
      `${suite}: the corpus ${corpus} is missing from the checkout; restore it (\`git checkout -- test/conformance\`), ` +
        `or run the other tests with \`${optOut} npm test\` (the conformance suites are then skipped, never passed).`,
    )
  })
  return false
}
