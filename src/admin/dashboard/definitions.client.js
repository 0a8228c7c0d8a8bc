// @ts-check
/**
 * Lists the APIs of the compiled definitions (`/_gateway/admin/apis`): stages and routes.
 * @example renderApis(document.getElementById('apis'), (await adminJson('/_gateway/admin/apis', token)).items)
 * @param {HTMLElement} container
 * @param {Array<{ id: string, name: string, protocol: string, file: string, stages: string[], routes: Array<Record<string, any>> }>} apis
 */
export function renderApis(container, apis) {
  container.replaceChildren(
    ...apis.map((api) => {
      const section = document.createElement('div')
      section.className = 'api'
      section.dataset.api = api.id
      const title = document.createElement('h3')
      title.textContent = `${api.name} (${api.protocol}, id ${api.id}, ${api.file}) · stages: ${api.stages.join(', ') || 'none'}`
      const table = document.createElement('table')
      table.className = 'figures'
      table.append(headRow(['route', 'integration', 'API key', 'authorizer']))
      const body = table.createTBody()
      for (const r of api.routes) {
        const row = body.insertRow()
        for (const text of [r.routeKey ?? `${r.method} ${r.resource}`, r.integration, r.apiKeyRequired ? 'required' : '', r.authorizer ?? '']) {
          const cell = row.insertCell()
          cell.className = 'name'
          cell.textContent = text
        }
      }
      section.append(title, table)
      return section
    }),
  )
}

/**
 * A table head of one row.
 * @example table.append(headRow(['key', 'used']))
 * @param {string[]} names
 */
export function headRow(names) {
  const head = document.createElement('thead')
  const row = head.insertRow()
  for (const name of names) {
    const th = document.createElement('th')
    th.className = 'name'
    th.textContent = name
    row.append(th)
  }
  return head
}
