// The backend of routes/chat.yaml: keeps the room's connection ids and fans each message out
// through the gateway's @connections API with the stock AWS SDK client.
//   GATEWAY_IAM_CREDENTIALS=AKIDCHAT:chat-secret npm start          (the gateway, port 8787)
//   node examples/chat-backend.mjs                                  (this backend, port 8790)
//   npx wscat -c 'ws://127.0.0.1:8787/chat/prod?name=ann'  → {"action":"sendmessage","text":"hi"}
import { createServer } from 'node:http'
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'

/**
 * Starts the chat backend. `endpoint` is the stage's URL on the gateway (`http://127.0.0.1:8787/chat/prod`).
 * @example const chat = await startChatBackend({ port: 8790, endpoint, credentials })
 */
export async function startChatBackend({ port = 8790, endpoint, credentials }) {
  const members = new Map() // connectionId → name
  const gateway = new ApiGatewayManagementApiClient({ endpoint, region: 'us-east-1', credentials })
  const server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const id = req.headers.connectionid
    const url = new URL(req.url, 'http://backend')
    if (url.pathname === '/connect') members.set(id, url.searchParams.get('name') || 'anonymous')
    else if (url.pathname === '/disconnect') members.delete(id)
    else if (url.pathname === '/message') {
      const text = JSON.parse(body).text
      const data = JSON.stringify({ from: members.get(id), text })
      await Promise.all(
        [...members.keys()].map((to) =>
          gateway.send(new PostToConnectionCommand({ ConnectionId: to, Data: data })).catch((e) => {
            if (e.name === 'GoneException') members.delete(to)
          }),
        ),
      )
    }
    res.writeHead(200).end()
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { port: server.address().port, members, close: () => new Promise((resolve) => server.close(resolve)) }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [accessKeyId, secretAccessKey] = (process.env.GATEWAY_IAM_CREDENTIALS ?? 'AKIDCHAT:chat-secret').split(',')[0].split(':')
  const chat = await startChatBackend({ endpoint: process.env.CHAT_ENDPOINT ?? 'http://127.0.0.1:8787/chat/prod', credentials: { accessKeyId, secretAccessKey } })
  console.log(`chat backend on http://127.0.0.1:${chat.port}`)
}
