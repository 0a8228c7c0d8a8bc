import { InvalidJsonBodyError } from './errors'
import { HostObject, javaString, jsonText } from './java-values'
import { evaluateJsonPath } from './jsonpath'

/** Method request parameters, as `$input.params()` exposes them; values already URL-decoded. */
export interface TemplateParams {
  path: Record<string, string>
  querystring: Record<string, string>
  header: Record<string, string>
}

const NOT_PARSED = Symbol('not parsed')

/**
 * `$input`: the payload and the method request parameters. AWS treats an empty payload as `{}` both in
 * `$input.body` and when reading it as JSON. The payload is parsed at most once per render, on first use.
 *
 * @example
 * new InputVariable('{"a":{"b":"c"}}', params).path('$.a') // { b: 'c' }, rendered `{b=c}`
 */
export class InputVariable extends HostObject {
  readonly body: string
  #document: unknown = NOT_PARSED

  constructor(
    payload: string,
    private readonly parameters: TemplateParams,
  ) {
    super()
    this.body = payload === '' ? '{}' : payload
  }

  vtlProperty(name: string): unknown {
    return name === 'body' ? this.body : undefined
  }

  vtlCall(name: string, args: unknown[]): unknown {
    if (name === 'json') return this.json(javaString(args[0] ?? '$'))
    if (name === 'path') return this.path(javaString(args[0] ?? '$'))
    if (name === 'params') return args.length === 0 ? this.parameters : this.params(javaString(args[0]))
    return undefined
  }

  /** `$input.json(path)`: the selection as JSON text, so a string keeps its quotes; missing renders empty. */
  json(path: string): string {
    const value = evaluateJsonPath(this.document(), path)
    return value === undefined ? '' : jsonText(value)
  }

  /** `$input.path(path)`: the selection as a Java object (Map, List, String, Number, Boolean or null). */
  path(path: string): unknown {
    return evaluateJsonPath(this.document(), path)
  }

  /** `$input.params(name)`: path, then query string, then header; "" when the request has none. */
  params(name: string): string {
    const { path, querystring, header } = this.parameters
    if (Object.hasOwn(path, name)) return path[name]
    if (Object.hasOwn(querystring, name)) return querystring[name]
    if (Object.hasOwn(header, name)) return header[name]
    // HTTP header names are case-insensitive, and the client chose the casing, not the template author.
    const lower = name.toLowerCase()
    const key = Object.keys(header).find((candidate) => candidate.toLowerCase() === lower)
    return key === undefined ? '' : header[key]
  }

  private document(): unknown {
    if (this.#document === NOT_PARSED) {
      try {
        this.#document = JSON.parse(this.body)
      } catch (error) {
        throw new InvalidJsonBodyError(`Could not parse payload into json: ${(error as Error).message}`, { cause: error })
      }
    }
    return this.#document
  }
}
