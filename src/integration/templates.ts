import { compileTemplate, InvalidJsonBodyError, TemplateRenderError, type Template, type TemplateInput } from '../vtl'
import { GatewayError } from '../gateway-responses/error'
import { failsWhenUsed } from './compile-failure'

/** A mapping template under its media type key, compiled. */
export interface MediaTemplate {
  /** The key as written (`application/json`): what `Content-Type` the template's output gets. */
  key: string
  /** The key lower-cased, for matching a request's media type. */
  mediaType: string
  template: Template
}

/** Compiles a template source; one compiler serves one pipeline, so a source used twice is parsed once. */
export type TemplateCompiler = (source: string) => Template

/**
 * A compiler for one pipeline's templates. The definitions build has already proven each one
 * parses; one that does not (a table from another build) fails its method with a 500 instead of
 * stopping the Worker.
 * @example const templateFor = templateCompiler(); const t = templateFor('{"id": "$input.params(\'id\')"}')
 */
export function templateCompiler(): TemplateCompiler {
  const compiled = new Map<string, Template>()
  return (source) => {
    let template = compiled.get(source)
    if (!template) compiled.set(source, (template = compileOrRefuse(source)))
    return template
  }
}

function compileOrRefuse(source: string): Template {
  try {
    return compileTemplate(source)
  } catch (e) {
    return { render: failsWhenUsed('mapping template', e) }
  }
}

/**
 * A `requestTemplates` or `responseTemplates` map, compiled, in the order written.
 * @example compileMediaTemplates({ 'application/json': '{}' }, templateCompiler())[0].mediaType // 'application/json'
 */
export function compileMediaTemplates(templates: Record<string, string>, templateFor: TemplateCompiler): MediaTemplate[] {
  return Object.entries(templates).map(([key, source]) => ({ key, mediaType: key.toLowerCase(), template: templateFor(source) }))
}

/**
 * Renders an integration request or response template. A request body that is not JSON where
 * the template reads it as JSON is AWS's 400; a template that breaks a limit (runaway loop,
 * output over 10 MB) is a 500. Either way the isolate keeps serving.
 * @example renderTemplate(selected.template, templateInput(inv, body), 'request')
 */
export function renderTemplate(template: Template, input: TemplateInput, phase: 'request' | 'response'): string {
  try {
    return template.render(input)
  } catch (e) {
    if (e instanceof InvalidJsonBodyError && phase === 'request') {
      throw new GatewayError('BAD_REQUEST_BODY', { message: `Could not parse request body into json: ${e.message}`, cause: e })
    }
    if (e instanceof TemplateRenderError) {
      console.error(`mapping template failed: ${e.message}`)
      throw new GatewayError('API_CONFIGURATION_ERROR', { cause: e })
    }
    throw e
  }
}
