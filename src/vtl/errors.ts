/**
 * A template that Velocity would refuse to parse. `line` and `column` are 1-based and point into the
 * template source, so a deployment error can name the place to fix.
 */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError'

  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${detail} (line ${line}, column ${column})`)
  }
}

/**
 * A render that cannot complete: an AWS limit was exceeded, a runaway loop or recursion was cut off, or a
 * Java method failed the way it would throw in Velocity. AWS answers such a request with a 5XX.
 */
export class TemplateRenderError extends Error {
  override readonly name: string = 'TemplateRenderError'
}

/**
 * `$input.json()` or `$input.path()` was used on a payload that is not JSON. AWS rejects a request in this
 * state with 400 `Could not parse request body into json: ...`, so callers may want to tell it apart.
 */
export class InvalidJsonBodyError extends TemplateRenderError {
  override readonly name = 'InvalidJsonBodyError'
}
