/**
 * The response as it goes to the client, and how many body bytes it carried
 * (`$context.responseLength`): its Content-Length when it has one, else counted as the body
 * streams through (then a promise), so the line is written once the last byte has gone.
 * @example const { response: counted, length } = countResponseBytes(response)
 */
export function countResponseBytes(response: Response): { response: Response; length: number | Promise<number> } {
  if (!response.body) return { response, length: 0 }
  const declared = response.headers.get('content-length')
  if (declared !== null) return { response, length: Number(declared) }
  let bytes = 0
  let done!: (n: number) => void
  const length = new Promise<number>((resolve) => (done = resolve))
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.byteLength
      controller.enqueue(chunk)
    },
    flush: () => done(bytes),
  })
  return { response: new Response(response.body.pipeThrough(counter), response), length }
}
