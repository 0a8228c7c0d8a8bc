import table from '@gateway/table'
import { createGateway } from './app'

export default createGateway(table)
export { ThrottleBucket, WebSocketConnection, ControlPlane } from './durable'
