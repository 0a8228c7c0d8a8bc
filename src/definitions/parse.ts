import { parseDocument } from 'yaml'
import type { DefinitionError } from './errors'

/**
 * Parses a definition file's text (YAML or JSON: JSON is YAML) into a plain value.
 * Duplicate keys and syntax errors are reported with their line and column.
 */
export function parseDefinition(file: string, text: string): { value?: unknown; errors: DefinitionError[] } {
  if (text.trim() === '') return { errors: [{ file, path: [], message: 'the file is empty: expected an OpenAPI 3 document' }] }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, merge: true })
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0]
        const where = pos ? `line ${pos.line}, column ${pos.col}: ` : ''
        // The yaml library ends its first line with the position again ("… at line 3, column 1:").
        const reason = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
        return { file, message: `${where}${reason}` }
      }),
    }
  }
  return { value: doc.toJS({ maxAliasCount: 100 }), errors: [] }
}
