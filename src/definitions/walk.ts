import type { Api, Method, RouteTable, Stage } from './table'

/**
 * Every method of an API, resource by resource.
 * @example for (const method of methodsOf(api)) plans.set(method, compile(method))
 */
export function* methodsOf(api: Api): Generator<Method> {
  for (const resource of api.resources) yield* Object.values(resource.methods)
}

/**
 * Every method of every stage of the table's APIs: what per-stage settings (throttles, caches,
 * usage plans) are resolved over when a step is created.
 * @example for (const { api, stage, method } of stageMethods(table)) limits.set(stage, method, limitOf(stage, method))
 */
export function* stageMethods(table: RouteTable): Generator<{ api: Api; stage: Stage; method: Method }> {
  for (const api of table.apis) {
    for (const stage of Object.values(api.stages)) {
      for (const method of methodsOf(api)) yield { api, stage, method }
    }
  }
}

/**
 * A value per stage and method, looked up on the request path with two map reads.
 * @example const limits = new StageMethodMap<Limit>(); limits.set(stage, method, limit); limits.get(inv.stage, inv.method)
 */
export class StageMethodMap<T> {
  private readonly byStage = new Map<Stage, Map<Method, T>>()

  set(stage: Stage, method: Method, value: T): void {
    let methods = this.byStage.get(stage)
    if (!methods) this.byStage.set(stage, (methods = new Map()))
    methods.set(method, value)
  }

  get(stage: Stage, method: Method | undefined): T | undefined {
    return method && this.byStage.get(stage)?.get(method)
  }
}
