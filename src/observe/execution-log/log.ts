type Write = (message: string) => void

/**
 * One request's execution log (AWS's `loggingLevel`), kept on the invocation as `inv.log`, absent
 * when the method's level is OFF. Steps write through the level they need, so at a lower level
 * the line is never built: `inv.log?.info?.(`Endpoint request URI: ${url}`)`.
 */
export interface ExecutionLog {
  /** INFO: each step as it runs. Undefined at ERROR. */
  info: Write | undefined
  /** `dataTraceEnabled` (with INFO): headers and bodies, before and after templates. */
  data: Write | undefined
  /** ERROR and INFO: why execution failed. */
  error: Write
  /** Header names masked besides the usual credentials: the method's authorizer identity headers. */
  secrets: ReadonlySet<string>
  /** The lines so far, each `(requestId) message`; written together when the request ends. */
  lines: string[]
  /** AWS's own words for why execution failed, set by the step that knows them; else the closing line words it from the failure. */
  failed?: string
}
