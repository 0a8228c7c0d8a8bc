import { compileTemplate, InvalidJsonBodyError, TemplateRenderError, type Template, type TemplateInput } from '../vtl'
import { GatewayError } from '../gateway-responses/error'

const cache = new Map<string, Template>()

/**
 * Templates are compiled once per distinct source and reused by every request;
 * the definitions build has already proven each one parses.
 */
function templateFor(source: string): Template {
  let t = cache.get(source)
  if (!t) cache.set(source, (t = compileTemplate(source)))
  return t
}

/**
 * Renders an integration request or response template. A request body that is not JSON where
 * the template reads it as JSON is AWS's 400; a template that breaks a limit (runaway loop,
 * output over 10 MB) is a 500. Either way the isolate keeps serving.
 */
export function renderTemplate(source: string, input: TemplateInput, phase: 'request' | 'response'): string {
  try {
    return templateFor(source).render(input)
  } catch (e) {
    if (e instanceof InvalidJsonBodyError && phase === 'request') {
      throw new GatewayError('BAD_REQUEST_BODY', { message: `Could not parse request body into json: ${e.message}`, cause: e })
    }
    if (e instanceof TemplateRenderError) {
      console.error(`mapping template failed: ${e.message}`)
      throw new GatewayError('API_CONFIGURATION_ERROR', { message: 'Internal server error', cause: e })
    }
    throw e
  }
}
