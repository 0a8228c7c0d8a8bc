import { startGateway, type RunningGateway } from './gateway'
import { startBackend, type Backend } from './backend'
import { routesDir } from './routes'

export interface Fixture {
  gateway: RunningGateway
  backend: Backend
  /** The last request the backend received. */
  last(): Backend['received'][number]
  stop(): Promise<void>
}

/**
 * A real backend on 127.0.0.1, definitions written for its port, and `gateway serve` on them:
 * the setup every end-to-end suite shares.
 * @example const f = await serveWithBackend((port) => ({ 'api.yaml': api(port) }))
 */
export async function serveWithBackend(
  definitions: (backendPort: number) => Record<string, string>,
  backendRoutes: Parameters<typeof startBackend>[0] = {},
  env?: Record<string, string>,
): Promise<Fixture> {
  const backend = await startBackend(backendRoutes)
  const routes = await routesDir(definitions(backend.port))
  const gateway = await startGateway(routes.dir, { env })
  return {
    gateway,
    backend,
    last: () => backend.received[backend.received.length - 1],
    async stop() {
      await gateway.stop()
      await backend.close()
      await routes.remove()
    },
  }
}
