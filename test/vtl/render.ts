import { compileTemplate, type TemplateInput } from '../../src/vtl'

const EMPTY_PARAMS = { path: {}, querystring: {}, header: {} }

/** Renders a template against a mostly empty invocation; tests override only what they exercise. */
export function render(template: string, input: Partial<TemplateInput> = {}): string {
  return compileTemplate(template).render({
    body: '',
    params: EMPTY_PARAMS,
    stageVariables: null,
    context: {},
    ...input,
  })
}
