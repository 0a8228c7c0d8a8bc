// Lambda handlers for serverless.yml: accept every connection; answer every message as the
// gateway's MOCK `$default` route does.
export const connect = async () => ({ statusCode: 200 })
export const message = async () => ({ statusCode: 200, body: '{"ok": true}' })
