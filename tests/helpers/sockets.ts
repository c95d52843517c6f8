import WebSocket from 'ws';
import { type AgentCredentials, presignSocketUrl } from '../../agent/signing';

/** The HTTP status that answers a WebSocket upgrade to `url` (101 when it is accepted; 0 when nothing answers). */
const upgradeStatus = (url: string): Promise<number> =>
  new Promise<number>((resolve) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => resolve(0));
  });

/** The same for the agents' socket, with `query`, presigned as an agent presigns it. */
const agentUpgradeStatus = async (
  wsUrl: string,
  query: string,
  credentials: AgentCredentials,
): Promise<number> =>
  upgradeStatus(await presignSocketUrl(`${wsUrl}?${query}`, credentials, 'us-east-1'));

export { agentUpgradeStatus, upgradeStatus };
