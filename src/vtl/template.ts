import { TemplateRenderError } from './errors'
import { InputVariable, type TemplateParams } from './input'
import { LIMITS } from './limits'
import { normalizeOverrides } from './overrides'
import { Renderer } from './renderer'
import { parseTemplate, type ParsedTemplate } from './syntax'
import { UtilVariable } from './util'

/** What one render sees: the payload, the method request parameters, stage variables and `$context`. */
export interface TemplateInput {
  /** The raw payload; '' is an empty body, which AWS renders as `{}`. */
  body: string
  params: TemplateParams
  stageVariables: Record<string, string> | null
  /** `$context`, including the maps from `newOverrides()` when the template may set overrides. */
  context: Record<string, unknown>
}

export interface Template {
  render(input: TemplateInput): string
}

/** Counts template parses; rendering never adds to it. */
export const templateStats = { parses: 0 }

const encoder = new TextEncoder()

/**
 * Parses a mapping template once. `render` may then run any number of times; it never parses. Syntax
 * errors surface here as `TemplateSyntaxError`.
 *
 * After `render`, `context.requestOverride` and `context.responseOverride` (if present) hold what the
 * template assigned, as plain string maps and a numeric status. Other `$context` changes stay inside the
 * render.
 *
 * @example
 * const template = compileTemplate('{"id": "$input.params(\'id\')", "name": $input.json(\'$.name\')}')
 * template.render({ body: '{"name":"Rex"}', params: { path: { id: '7' }, querystring: {}, header: {} },
 *   stageVariables: null, context: {} }) // '{"id": "7", "name": "Rex"}'
 */
export function compileTemplate(source: string): Template {
  const parsed = parseTemplate(source)
  templateStats.parses++
  return { render: (input) => render(parsed, input) }
}

function render(parsed: ParsedTemplate, input: TemplateInput): string {
  const root: Record<string, unknown> = Object.create(null)
  root.input = new InputVariable(input.body, input.params)
  root.util = new UtilVariable()
  // Copies, so a #set on $context or $stageVariables cannot leak into the caller's shared objects; the
  // override maps inside $context stay shared, because carrying them is their purpose.
  root.context = { ...input.context }
  root.stageVariables = input.stageVariables && { ...input.stageVariables }
  let output: string
  try {
    output = new Renderer(parsed).render(root, {})
  } catch (error) {
    // Deep #define or list recursion ends in a stack overflow, and huge strings in "Invalid string length".
    if (error instanceof RangeError) throw new TemplateRenderError(`template recursion or output too large: ${error.message}`, { cause: error })
    throw error
  } finally {
    normalizeOverrides(input.context)
  }
  if (output.length * 3 > LIMITS.outputBytes && encoder.encode(output).length > LIMITS.outputBytes) {
    throw new TemplateRenderError(`template output exceeds the ${LIMITS.outputBytes}-byte payload limit`)
  }
  return output
}
