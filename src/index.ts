import table from '@gateway/table'
import { createGateway } from './app'

export default createGateway(table)
export { ThrottleBucket, ApiKeyObject, WebSocketConnection, ControlPlane } from './durable'
