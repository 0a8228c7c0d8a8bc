/** A stable 10-character id per resource path, like AWS's resource ids. */
export function resourceId(path: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(36).padStart(7, '0') + path.length.toString(36).padStart(3, '0').slice(-3)
}

/**
 * The URI a request model is known by in `$ref`s: AWS's own model URL. Definitions may write
 * `#/components/schemas/Name` (as AWS exports) or this form (as AWS's API takes).
 */
export const modelUri = (apiId: string, name: string) => `https://apigateway.amazonaws.com/restapis/${apiId}/models/${encodeURIComponent(name)}`
