/// <reference types="vite/client" />
import { afterAll, describe, expect, it } from 'vitest'
import { compileTemplate, newOverrides, type TemplateInput } from '../../src/vtl'

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

// The corpus is shared beside the repository; a glob (unlike an import) yields nothing when it is absent.
const corpus = import.meta.glob<VtlCase[]>('../../../shared/conformance/vtl-cases.json', { eager: true, import: 'default' })
const cases = Object.values(corpus)[0]

/**
 * `unit-asserted` cases (LocalStack unit tests, never recorded against AWS) whose expectation AWS's
 * documentation contradicts; a failure of one of these is reported but does not fail the suite. Empty:
 * the one known contradiction, `escapeJavaScript` and `'`, is already in the corpus as `aws-docs`.
 */
const CONTRADICTED_BY_AWS_DOCS = new Set<string>()

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
  if (!cases) {
    it.skip('skipped: ../shared/conformance/vtl-cases.json is not present', () => {})
    return
  }
  const tally = { aws: { passed: 0, total: 0 }, unit: { passed: 0, total: 0 } }
  afterAll(() => {
    console.log(
      `vtl conformance: ${tally.aws.passed}/${tally.aws.total} AWS-evidenced passed, ` +
        `${tally.unit.passed}/${tally.unit.total} unit-asserted passed`,
    )
  })

  it('holds both AWS-evidenced and unit-asserted cases', () => {
    expect(cases.some((c) => c.source.evidence !== 'unit-asserted')).toBe(true)
    expect(cases.some((c) => c.source.evidence === 'unit-asserted')).toBe(true)
  })

  for (const c of cases) {
    const awsEvidenced = c.source.evidence !== 'unit-asserted'
    const bucket = awsEvidenced ? tally.aws : tally.unit
    bucket.total++
    it(`${c.id} (${c.source.evidence}, ${c.phase})`, () => {
      try {
        assertCase(c)
        bucket.passed++
      } catch (error) {
        if (awsEvidenced || !CONTRADICTED_BY_AWS_DOCS.has(c.id)) throw error
        console.log(`vtl conformance: unit-asserted ${c.id} disagrees with AWS docs: ${(error as Error).message}`)
      }
    })
  }
})
