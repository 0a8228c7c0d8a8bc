import type { Context } from 'hono'
import { z } from 'zod'

/** AWS's error names for the control API, with their statuses. */
const statusOf = {
  BadRequestException: 400,
  NotFoundException: 404,
  ConflictException: 409,
  UnknownOperationException: 404,
  MissingAuthenticationTokenException: 403,
  UnrecognizedClientException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  AccessDeniedException: 403,
  ServiceUnavailableException: 503,
} as const

const byStatus = { 400: 'BadRequestException', 404: 'NotFoundException', 409: 'ConflictException' } as const

export type AwsErrorType = keyof typeof statusOf

/**
 * An answer of AWS's shape: the status, `x-amzn-ErrorType` naming the exception (the SDK reads
 * the name from it) and `{"message": ...}`.
 * @example throw new AwsError('NotFoundException', 'Invalid API Key identifier specified')
 */
export class AwsError extends Error {
  constructor(
    readonly type: AwsErrorType,
    message: string,
  ) {
    super(message)
  }
}

/** Renders an error as AWS does; anything that is no AwsError is a 500 without its details. */
export function renderAwsError(e: unknown, c: Context): Response {
  if (e instanceof AwsError) return awsErrorResponse(c, e.type, e.message)
  // Refusals from the shared key store (KeyChangeRefused, or the control plane object's own 409).
  const status = (e as { status?: number }).status
  if (status === 400 || status === 404 || status === 409) return awsErrorResponse(c, byStatus[status], (e as Error).message)
  console.error('AWS control API error', e)
  return c.json({ message: 'Internal server error' }, 500, { 'x-amzn-ErrorType': 'InternalFailure' })
}

export const awsErrorResponse = (c: Context, type: AwsErrorType, message: string) => c.json({ message }, statusOf[type], { 'x-amzn-ErrorType': type })

export const notFound = (message: string) => new AwsError('NotFoundException', message)
export const badRequest = (message: string) => new AwsError('BadRequestException', message)
export const conflict = (message: string) => new AwsError('ConflictException', message)

/**
 * Reads a JSON body against a schema; a body that is no JSON, or that the schema refuses, is
 * AWS's 400 naming the first bad field.
 * @example const body = await readBody(c, createApiKeyBody)
 */
export async function readBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown
  try {
    const text = await c.req.text()
    raw = text === '' ? {} : JSON.parse(text)
  } catch {
    throw badRequest('Could not parse request body into json')
  }
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue.path.length ? issue.path.join('.') : ((issue as { keys?: string[] }).keys?.join(', ') ?? 'body')
  throw badRequest(`Invalid request input: ${field}: ${issue.message}`)
}
