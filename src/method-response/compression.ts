/**
 * Payload compression (REST, `x-amazon-apigateway-minimum-compression-size`): a method response
 * is compressed when the client's most preferred coding is one AWS supports, the integration
 * response is not encoded already, and the body, after mapping, is at least the minimum size
 * (../shared/spec §10.4).
 */

export type Coding = 'gzip' | 'deflate'

/**
 * The coding to answer with: the client's highest-weighted one (the first among equals), only if
 * it is gzip or deflate. No header means `*`, and AWS then compresses nothing.
 * @example preferredCoding('deflate;q=0.5, gzip') // 'gzip'
 * @example preferredCoding('br, gzip') // undefined: br comes first and is not supported
 */
export function preferredCoding(acceptEncoding: string | undefined): Coding | undefined {
  if (!acceptEncoding) return undefined
  let best: { coding: string; q: number } | undefined
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';')
    const coding = name.trim().toLowerCase()
    if (!coding) continue
    const weight = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='))
    const q = weight === undefined ? 1 : Number(weight.slice(2))
    if (!(q > 0)) continue
    if (!best || q > best.q) best = { coding, q }
  }
  return best?.coding === 'gzip' || best?.coding === 'deflate' ? best.coding : undefined
}

const withoutBody = new Set([101, 204, 205, 304])

/**
 * The response compressed with `coding` when it qualifies, else as it is. A body without a
 * Content-Length is measured by reading no more than the minimum size: a shorter one is sent
 * as it is, a longer one is compressed as it streams on.
 */
export async function compressResponse(response: Response, coding: Coding, minimumSize: number, httpMethod: string): Promise<Response> {
  const body = response.body
  if (!body || httpMethod === 'HEAD' || withoutBody.has(response.status) || response.headers.has('content-encoding')) return response
  const declared = response.headers.get('content-length')
  let source: ReadableStream<Uint8Array> = body
  if (declared !== null) {
    if (Number(declared) < minimumSize) return response
  } else if (minimumSize > 0) {
    const start = await readUpTo(body, minimumSize)
    if (start.ended) return new Response(new Blob(start.chunks), { status: response.status, headers: response.headers })
    source = resumed(start.chunks, start.reader)
  }
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  headers.set('content-encoding', coding)
  // `manual`: the body is encoded here, so the runtime must not encode it again for the header.
  return new Response(source.pipeThrough(new CompressionStream(coding)), { status: response.status, headers, encodeBody: 'manual' })
}

type Reader = ReadableStreamDefaultReader<Uint8Array>

/** Reads chunks until `limit` bytes have come or the body ends. */
async function readUpTo(body: ReadableStream<Uint8Array>, limit: number): Promise<{ chunks: Uint8Array[]; ended: boolean; reader: Reader }> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  for (let size = 0; size < limit; ) {
    const { done, value } = await reader.read()
    if (done) return { chunks, ended: true, reader }
    chunks.push(value)
    size += value.byteLength
  }
  return { chunks, ended: false, reader }
}

/** The chunks already read, then the rest of the body. */
function resumed(chunks: Uint8Array[], reader: Reader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
    },
    async pull(controller) {
      const { done, value } = await reader.read()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    cancel: (reason) => reader.cancel(reason),
  })
}
