import type { Api } from './table'
import { stageVariableRef } from './integration'

type Report = (path: (string | number)[], message: string) => void

/**
 * A `${stageVariables.x}` in an integration URI that a stage leaves unset makes every call of
 * that method on that stage a 500, as on AWS. Valid (a variable may be meant for one stage
 * only) but usually a typo or a forgotten stage, so `validate` warns.
 */
export function warnUnsetStageVariables(api: Api, warn: Report) {
  const stages = Object.values(api.stages)
  for (const resource of api.resources) {
    for (const [verb, method] of Object.entries(resource.methods)) {
      const names = new Set([...(method.integration.uri ?? '').matchAll(stageVariableRef)].map((m) => m[1]))
      for (const name of names) {
        const unset = stages.filter((s) => !s.variables[name]).map((s) => s.name)
        if (unset.length === 0) continue
        const key = verb === 'ANY' ? 'x-amazon-apigateway-any-method' : verb.toLowerCase()
        warn(
          ['paths', resource.path, key, 'x-amazon-apigateway-integration', 'uri'],
          `\${stageVariables.${name}} is not set in stage${unset.length > 1 ? 's' : ''} ${unset.join(', ')}: calls there answer 500`,
        )
      }
    }
  }
}
