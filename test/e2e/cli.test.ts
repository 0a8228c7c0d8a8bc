import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startGateway } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { routesDir } from './helpers/routes'

const run = promisify(execFile)
const bin = fileURLToPath(new URL('../../bin/gateway.js', import.meta.url))

const gateway = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args])
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

const mockApi = `openapi: 3.0.1
info: { title: hello, version: '1' }
paths:
  /hello/{name}:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: '{"hello": "$input.params(''name'')", "stage": "$context.stage"}'
`

describe('gateway validate', () => {
  it('checks one definition file named instead of a folder', async () => {
    const r = await routesDir({ 'hello.yaml': mockApi })
    const res = await gateway('validate', `${r.dir}/hello.yaml`)
    await r.remove()
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/hello\.yaml: 1 API valid/)
  })

  it.each([
    ['a folder that does not exist', ['validate', '/no/such/routes'], /^gateway: \/no\/such\/routes: no such folder\n$/],
    ['a file that is not a definition', ['validate', bin], /^gateway: .*gateway\.js: not a folder or a \.yaml, \.yml or \.json definition\n$/],
    ['an unknown option', ['serve', '--prot', '80'], /^gateway: Unknown option '--prot'.*\nusage:\n/],
  ])('answers %s with a message and exit 2, not a stack trace', async (_, args, stderr) => {
    const res = await gateway(...args)
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(stderr)
    expect(res.stderr).not.toMatch(/\n\s+at /)
  })

  it('warns when the folder holds no definitions', async () => {
    const r = await routesDir({ 'notes.txt': 'not a definition' })
    const res = await gateway('validate', r.dir)
    await r.remove()
    expect(res.code).toBe(0)
    expect(res.stderr).toMatch(/warning: .*: no definitions \(\.yaml, \.yml or \.json files\) to serve/)
    expect(res.stdout).toMatch(/0 APIs valid/)
  })

  it('exits 0 for valid definitions', async () => {
    const r = await routesDir({ 'hello.yaml': mockApi })
    const res = await gateway('validate', r.dir)
    await r.remove()
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/1 API valid/)
  })

  it('exits 1 and lists every error as file: json.path: reason', async () => {
    const r = await routesDir({
      'a.yaml': `openapi: 3.0.1
paths:
  /x:
    get:
      x-amazon-apigateway-integration: { type: sorcery }
  /y/{id}:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://b.example/{id}' }
`,
      'b.yaml': 'openapi: 3.0.1\npaths: [oops\n',
    })
    const res = await gateway('validate', r.dir)
    await r.remove()
    expect(res.code).toBe(1)
    const lines = res.stderr.trim().split('\n')
    expect(lines.some((l) => /a\.yaml: \$\.paths\["\/x"\]\.get\["x-amazon-apigateway-integration"\]\.type: must be one of/.test(l))).toBe(true)
    expect(lines.some((l) => /a\.yaml: \$\.paths\["\/y\/\{id\}"\]\.get\["x-amazon-apigateway-integration"\]\.uri: \{id\} has no mapping/.test(l))).toBe(true)
    expect(lines.some((l) => /b\.yaml: line \d+, column \d+: [A-Z]/.test(l))).toBe(true)
    expect(lines.at(-1)).toMatch(/^3 errors in /)
  })
})

describe('gateway serve', () => {
  it('serves a mock API, prints ready with the URL, and exits cleanly on SIGTERM', async () => {
    const r = await routesDir({ 'hello.yaml': mockApi })
    const g = await startGateway(r.dir)
    let exitCode: number | null = null
    try {
      expect(g.output()).toContain(`ready ${g.url}`)
      const res = await rawRequest(g.url, { path: '/hello/world' })
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toBe('application/json')
      expect(JSON.parse(res.text)).toEqual({ hello: 'world', stage: '$default' })
    } finally {
      // Stopped whatever happened above; its exit code is checked after, so a failure above is the one reported.
      exitCode = await g.stop()
      await r.remove()
    }
    expect(exitCode).toBe(0)
  }, 60_000)

  it('refuses to start on invalid definitions', async () => {
    const r = await routesDir({ 'bad.yaml': 'openapi: 2.0\npaths: {}\n' })
    const res = await gateway('serve', '--routes', r.dir, '--port', '0')
    await r.remove()
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/bad\.yaml: \$\.openapi: only OpenAPI 3\.x documents are supported/)
  })
})

describe('routing over real sockets', () => {
  it('answers an unknown path or method with 403 Missing Authentication Token', async () => {
    const r = await routesDir({ 'hello.yaml': mockApi })
    const g = await startGateway(r.dir)
    try {
      for (const req of [{ path: '/nothing' }, { method: 'POST', path: '/hello/world' }]) {
        const res = await rawRequest(g.url, req)
        expect(res.status).toBe(403)
        expect(res.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException')
        expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
        expect(JSON.parse(res.text)).toEqual({ message: 'Missing Authentication Token' })
      }
      // A bearer token on an unknown route gets AWS's SigV4 parser message, with the header hashed.
      const bearer = 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig'
      const res = await rawRequest(g.url, { path: '/nothing', headers: { authorization: bearer } })
      expect(res.status).toBe(403)
      expect(res.headers['x-amzn-errortype']).toBe('IncompleteSignatureException')
      const hash = createHash('sha256').update(bearer).digest('base64')
      expect(JSON.parse(res.text)).toEqual({ message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hash}'.` })
      // The route exists: the header is the method's business, not the parser's.
      expect((await rawRequest(g.url, { path: '/hello/world', headers: { authorization: bearer } })).status).toBe(200)
    } finally {
      await g.stop()
      await r.remove()
    }
  }, 60_000)
})
