/**
 * An HTTP(S) URL an access-log sink can POST to (`accessLogSettings.destinationUrl`,
 * `GATEWAY_ACCESS_LOG_URL`).
 * @example isSinkUrl('http://127.0.0.1:9880/logs') // true
 */
export const isSinkUrl = (url: string) => /^https?:\/\/[^/?#\s]+/i.test(url) && URL.canParse(url)
