import { documentSchema, stageSchema, xGatewaySchema, type Document } from './schema'
import { withoutInvalid } from './prune'

/** A JSON path into a definition, as errors name it. */
export type Path = (string | number)[]
type Report = (path: Path, message: string) => void

/**
 * The document as its schema reads it. Parts that fail are reported and left out, so the rest
 * of the file is still checked; the file fails either way.
 */
export function parseDocument(value: unknown, report: Report, warn: Report): Document | undefined {
  const doc = validParts(value, report)
  if (doc) warnUnknownKeys(doc, warn)
  return doc
}

function validParts(value: unknown, report: Report): Document | undefined {
  let result = documentSchema.safeParse(value)
  if (result.success) return result.data
  for (const issue of result.error.issues) report(issue.path as Path, issueMessage(issue))
  // Leaving a part out can make its parent fail in turn (an emptied list); those are not news.
  let rest: unknown = value
  for (let pass = 0; pass < 8 && !result.success; pass++) {
    rest = withoutInvalid(rest, result.error.issues.map((issue) => issue.path))
    if (!rest) return undefined
    result = documentSchema.safeParse(rest)
  }
  return result.success ? result.data : undefined
}

/** Our own `x-gateway` keys are known, so one we don't know is probably a typo (AWS's extensions may carry more). */
function warnUnknownKeys(doc: Document, warn: Report) {
  const x = doc['x-gateway']
  if (!x) return
  const unknown = (keys: object, known: object, at: Path) => {
    for (const key of Object.keys(keys)) if (!Object.hasOwn(known, key)) warn([...at, key], 'unknown key, ignored')
  }
  unknown(x, xGatewaySchema.shape, ['x-gateway'])
  for (const [name, stage] of Object.entries(x.stages ?? {})) unknown(stage, stageSchema.shape, ['x-gateway', 'stages', name])
}

/** zod's message, but a missing value is said plainly. */
export function issueMessage(issue: { code: string; message: string; path: PropertyKey[] }) {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'is required'
  return issue.message
}
