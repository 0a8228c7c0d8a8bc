/** One problem in a definition: which file, where in it (a JSON path) and why. */
export interface DefinitionError {
  file: string
  /** Absent for a YAML syntax error: there is no document to point into, the message gives line and column. */
  path?: (string | number)[]
  message: string
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `$.paths["/pets/{id}"].get["x-amazon-apigateway-integration"].uri` */
export function jsonPath(path: readonly (string | number | symbol)[]): string {
  let out = '$'
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else if (typeof key === 'string' && identifier.test(key)) out += `.${key}`
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out
}

/**
 * `file: json.path: reason`, or `file: line L, column C: reason` for a YAML syntax error.
 * @example formatError({ file: 'routes/a.yaml', path: ['paths'], message: 'must be an object' }) // 'routes/a.yaml: $.paths: must be an object'
 */
export const formatError = (e: DefinitionError) => (e.path ? `${e.file}: ${jsonPath(e.path)}: ${e.message}` : `${e.file}: ${e.message}`)

/** Thrown by the build when any definition is invalid; carries every error at once. */
export class DefinitionsError extends Error {
  constructor(readonly errors: DefinitionError[]) {
    super(errors.map(formatError).join('\n'))
    this.name = 'DefinitionsError'
  }
}
