import type { Api, Method, Stage } from '../definitions/table'
import { cloudWatchApiName } from './dimensions'

/** What one request adds to the Analytics Engine dataset (docs/observability.md has the SQL). */
export interface RequestFigures {
  status: number
  latency: number
  integrationLatency?: number
  cache?: 'Hit' | 'Miss'
}

/**
 * One data point per request, in a fixed column order the documented SQL relies on:
 * blob1 API name, blob2 API id, blob3 stage, blob4 method, blob5 resource (or route),
 * blob6 protocol, blob7 status; double1 count (1), double2 4XX, double3 5XX, double4 Latency,
 * double5 IntegrationLatency (0 when there was no integration call), double6 cache hit,
 * double7 cache miss, double8 1 when an integration was called. The API id is the index (the sampling key).
 * @example writeRequestPoint(env.GATEWAY_ANALYTICS, api, stage, method, { status: 200, latency: 12, integrationLatency: 9 })
 */
export function writeRequestPoint(dataset: AnalyticsEngineDataset, api: Api, stage: Stage | undefined, method: Method | undefined, f: RequestFigures) {
  dataset.writeDataPoint({
    indexes: [api.id],
    blobs: [cloudWatchApiName(api), api.id, stage?.name ?? '', method?.httpMethod ?? '', method?.resourcePath ?? '', api.protocol, String(f.status)],
    doubles: [
      1,
      f.status >= 400 && f.status < 500 ? 1 : 0,
      f.status >= 500 ? 1 : 0,
      f.latency,
      f.integrationLatency ?? 0,
      f.cache === 'Hit' ? 1 : 0,
      f.cache === 'Miss' ? 1 : 0,
      f.integrationLatency === undefined ? 0 : 1,
    ],
  })
}
