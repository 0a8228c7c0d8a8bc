// The generated route table (`gateway build` writes .gateway/table.js; wrangler and esbuild alias it).
import type { RouteTable } from './table'

declare const table: RouteTable
export default table
