/**
 * A path segment as AWS compares it: percent-decoded, or as received when its encoding is
 * broken. Most segments have no `%`, and they skip the decoder.
 * @example decodeSegment('caf%C3%A9') // 'café'
 */
export function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
