/// <reference types="vite/client" />
import { afterAll, describe, expect, it } from 'vitest'
import { compileTemplate, newOverrides, type TemplateInput } from '../../src/vtl'
import { corpusRuns } from '../e2e/conformance/corpus'

interface VtlCase {
  id: string
  source: { evidence: string }
  phase: 'request' | 'response' | 'chain'
  requestTemplate?: string
  template: string
  input: Pick<TemplateInput, 'body' | 'params' | 'stageVariables' | 'context'>
  expected: {
    output: unknown
    match: 'exact' | 'trim' | 'json' | 'json-subset'
    requestOverride?: Record<string, unknown>
    responseOverride?: Record<string, unknown>
    jsonStringFields?: string[]
  }
}

// The corpus is in the repository (test/conformance/); a glob (unlike an import) yields nothing when it is absent.
const corpus = import.meta.glob<VtlCase[]>('../conformance/vtl-cases.json', { eager: true, import: 'default' })
const cases = Object.values(corpus)[0]

/**
 * The waivers: `unit-asserted` cases (LocalStack unit tests, never recorded against AWS) whose
 * expectation AWS's documentation contradicts, by id, with the reason. Such a case passes with a
 * waiver when the gateway disagrees with LocalStack, is counted apart from plain passes, and fails
 * once the gateway agrees (the waiver is stale then: delete it). Empty: the one known
 * contradiction, `escapeJavaScript` and `'`, is already in the corpus as `aws-docs`.
 */
const CONTRADICTED_BY_AWS_DOCS: Record<string, string> = {}

function runCase(c: VtlCase) {
  const overrides = newOverrides()
  const input = { ...c.input, context: { ...c.input.context, ...overrides } }
  if (c.phase !== 'chain') return { output: compileTemplate(c.template).render(input), overrides }
  compileTemplate(c.requestTemplate ?? '').render(input)
  const requestOverride = structuredClone(overrides.requestOverride)
  const responseOverride = structuredClone(overrides.responseOverride)
  // MOCK gives the response template no body; overrides are judged as the request template left them.
  const output = compileTemplate(c.template).render({ ...input, body: '' })
  return { output, overrides: { requestOverride, responseOverride } }
}

function parseJsonOutput(text: string, fields: string[] = []): unknown {
  const value = JSON.parse(text) as Record<string, unknown>
  for (const field of fields) if (typeof value[field] === 'string') value[field] = JSON.parse(value[field] as string)
  return value
}

function assertCase(c: VtlCase): void {
  const { output, overrides } = runCase(c)
  const { expected } = c
  if (expected.match === 'exact') expect(output).toBe(expected.output)
  else if (expected.match === 'trim') expect(output.trim()).toBe(String(expected.output).trim())
  else {
    const wanted = typeof expected.output === 'string' ? JSON.parse(expected.output) : expected.output
    const actual = parseJsonOutput(output, expected.jsonStringFields)
    const expectedValue = parseJsonOutput(JSON.stringify(wanted), expected.jsonStringFields)
    if (expected.match === 'json') expect(actual).toEqual(expectedValue)
    else expect(actual).toMatchObject(expectedValue as object)
  }
  if (expected.requestOverride) expect(overrides.requestOverride).toMatchObject(expected.requestOverride)
  if (expected.responseOverride) expect(overrides.responseOverride).toMatchObject(expected.responseOverride)
}

describe('vtl conformance corpus', () => {
  if (!corpusRuns('vtl conformance', 'test/conformance/vtl-cases.json', cases !== undefined)) return
  const tally = { aws: 0, unit: 0, passedWithWaivers: [] as string[], failed: [] as string[] }
  afterAll(() => {
    const { aws, unit, passedWithWaivers, failed } = tally
    const list = (ids: string[]) => (ids.length > 0 ? ` (${ids.join(', ')})` : '')
    const notRun = cases.length - aws - unit - passedWithWaivers.length - failed.length
    console.log(
      `vtl conformance: ${aws + unit} passed (${aws} AWS-evidenced, ${unit} unit-asserted), ` +
        `${passedWithWaivers.length} passed with waivers${list(passedWithWaivers)}, ${failed.length} failed${list(failed)}` +
        `${notRun > 0 ? `, ${notRun} not run (filtered)` : ''}, 0 skipped`,
    )
  })

  it('holds both AWS-evidenced and unit-asserted cases', () => {
    expect(cases.some((c) => c.source.evidence !== 'unit-asserted')).toBe(true)
    expect(cases.some((c) => c.source.evidence === 'unit-asserted')).toBe(true)
  })

  it('waives only unit-asserted cases of the corpus', () => {
    const unitAsserted = cases.filter((c) => c.source.evidence === 'unit-asserted').map((c) => c.id)
    for (const id of Object.keys(CONTRADICTED_BY_AWS_DOCS)) expect(unitAsserted, `waiver ${id}`).toContain(id)
  })

  for (const c of cases) {
    const awsEvidenced = c.source.evidence !== 'unit-asserted'
    const waiver = CONTRADICTED_BY_AWS_DOCS[c.id]
    it(`${c.id} (${c.source.evidence}, ${c.phase})${waiver ? ' (with a waiver)' : ''}`, () => {
      let disagreement: Error | undefined
      try {
        assertCase(c)
      } catch (error) {
        disagreement = error as Error
      }
      if (disagreement && !waiver) {
        tally.failed.push(c.id)
        throw disagreement
      }
      if (!disagreement && waiver) {
        tally.failed.push(c.id)
        throw new Error(`${c.id} now agrees with LocalStack: delete its waiver (${waiver})`)
      }
      if (disagreement) {
        tally.passedWithWaivers.push(c.id)
        console.log(`vtl conformance: ${c.id} waived (${waiver}): ${disagreement.message}`)
      } else tally[awsEvidenced ? 'aws' : 'unit']++
    })
  }
})
