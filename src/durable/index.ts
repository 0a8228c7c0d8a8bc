// The Durable Object classes are bound in wrangler.toml and the workerd config from the start,
// so deployments keep one migration history; usage plans and WebSocket APIs give them methods.

export { WebSocketConnection } from './websocket-connection'

export { ThrottleBucket } from './throttle-bucket'
export { ApiKeyObject } from './api-key-object'
export { ControlPlane } from './control-plane'
