import { DurableObject } from 'cloudflare:workers'

// The Durable Object classes are bound in wrangler.toml and the workerd config from the start,
// so deployments keep one migration history; usage plans and WebSocket APIs give them methods.

/** Token buckets and quota counters for one API key or one stage/method limit. */
export class ThrottleBucket extends DurableObject {}

/** One WebSocket connection's state (Hibernation API). */
export class WebSocketConnection extends DurableObject {}

/** The control plane's catalogue of API keys and usage plans. */
export class ControlPlane extends DurableObject {}
