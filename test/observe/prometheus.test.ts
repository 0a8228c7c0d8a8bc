import { describe, expect, it } from 'vitest'
import { prometheusName, prometheusText } from '../../src/observe/prometheus'
import type { NamedSeries } from '../../src/observe/aggregate'

describe('Prometheus names (a contract: docs/observability.md)', () => {
  it.each([
    ['Count', 'apigateway_count_total'],
    ['4XXError', 'apigateway_4xx_error_total'],
    ['5XXError', 'apigateway_5xx_error_total'],
    ['CacheHitCount', 'apigateway_cache_hit_count_total'],
    ['CacheMissCount', 'apigateway_cache_miss_count_total'],
    ['Latency', 'apigateway_latency_milliseconds'],
    ['IntegrationLatency', 'apigateway_integration_latency_milliseconds'],
    ['4xx', 'apigateway_4xx_total'],
    ['5xx', 'apigateway_5xx_total'],
    ['DataProcessed', 'apigateway_data_processed_bytes_total'],
    ['ConnectCount', 'apigateway_connect_count_total'],
    ['MessageCount', 'apigateway_message_count_total'],
    ['IntegrationError', 'apigateway_integration_error_total'],
    ['ClientError', 'apigateway_client_error_total'],
    ['ExecutionError', 'apigateway_execution_error_total'],
  ])('%s is %s', (metric, name) => expect(prometheusName(metric)).toBe(name))
})

const series = (name: string, labels: Record<string, string>, values: number[]): NamedSeries => {
  const distribution = name.endsWith('Latency')
  const total = { sum: 0, count: 0, min: Infinity, max: -Infinity, ...(distribution ? { values: new Map<number, number>() } : {}) }
  for (const v of values) {
    total.sum += v
    total.count++
    total.values?.set(v, (total.values.get(v) ?? 0) + 1)
  }
  return { name, level: 'stage', dimensions: {}, labels, total, minutes: new Map() }
}

describe('Prometheus text exposition', () => {
  it('writes cumulative histogram buckets, _sum and _count', () => {
    const text = prometheusText([series('Latency', { api_name: 'a', stage: 's' }, [1, 3, 3, 40, 70000])])
    expect(text).toContain('# TYPE apigateway_latency_milliseconds histogram\n')
    expect(text).toContain('apigateway_latency_milliseconds_bucket{api_name="a",stage="s",le="1"} 1\n')
    expect(text).toContain('apigateway_latency_milliseconds_bucket{api_name="a",stage="s",le="2"} 1\n')
    expect(text).toContain('apigateway_latency_milliseconds_bucket{api_name="a",stage="s",le="5"} 3\n')
    expect(text).toContain('apigateway_latency_milliseconds_bucket{api_name="a",stage="s",le="50"} 4\n')
    expect(text).toContain('apigateway_latency_milliseconds_bucket{api_name="a",stage="s",le="60000"} 4\n')
    expect(text).toContain('apigateway_latency_milliseconds_bucket{api_name="a",stage="s",le="+Inf"} 5\n')
    expect(text).toContain('apigateway_latency_milliseconds_sum{api_name="a",stage="s"} 70047\n')
    expect(text).toContain('apigateway_latency_milliseconds_count{api_name="a",stage="s"} 5\n')
  })

  it('escapes label values and leaves API-level series out (they would count twice under sum())', () => {
    const apiLevel = { ...series('Count', { api_name: 'a' }, [1]), level: 'api' as const }
    const text = prometheusText([apiLevel, series('Count', { api_name: 'say "hi"\\\n', stage: 's' }, [1, 1])])
    expect(text).toBe(
      '# HELP apigateway_count_total CloudWatch Count (AWS/ApiGateway), in this isolate since it started.\n' +
        '# TYPE apigateway_count_total counter\n' +
        'apigateway_count_total{api_name="say \\"hi\\"\\\\\\n",stage="s"} 2\n',
    )
  })
})
