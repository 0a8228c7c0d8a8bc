import { env } from 'cloudflare:workers'
import table from '@gateway/table'
import { createGateway } from './app'
import { missingBindings } from './durable/required-bindings'

// At start-up, before any request: a binding the routes need but wrangler.toml (or the workerd
// config) lacks is named here once, and again on every request it refuses.
for (const line of missingBindings(table, (name) => (env as Record<string, unknown>)[name] != null)) console.error(line)

export default createGateway(table)
export { ThrottleBucket, ApiKeyObject, WebSocketConnection, ControlPlane } from './durable'
