/**
 * Standard base64 of bytes and back. `atob` throws on text that is not base64; callers turn
 * that into their own error (a 500 gateway response, a failed template render).
 * @example bytesToBase64(new TextEncoder().encode('hi')) // 'aGk='
 */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  // Chunked: spreading a large array into fromCharCode would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

export const base64ToBytes = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
