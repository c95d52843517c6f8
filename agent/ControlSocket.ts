import WebSocket from 'ws';
import { type AgentTask, parseServerMessage } from './protocol';

/**
 * The agent's one WebSocket to Berth (docs/agent-protocol.md §2): `sync` on
 * every (re)connect so that Berth answers with the full list of this
 * instance's tasks, a heartbeat every `heartbeatMs` (idle sockets are closed,
 * and a silent instance is marked disconnected), and reconnection with
 * backoff from 0.5 s to 10 s whenever the socket closes.
 */

interface ControlSocketOptions {
  /** The WebSocket endpoint; `cluster` and `containerInstance` are added to its query. */
  readonly endpoint: string;
  readonly cluster: string;
  readonly containerInstanceArn: string;
  readonly heartbeatMs: number;
  readonly onTasks: (tasks: AgentTask[]) => void;
  /** After `sync` has been sent; `first` only once per agent run. */
  readonly onConnected?: (first: boolean) => void;
  readonly onDisconnected?: () => void;
  readonly log?: (line: string) => void;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Signs the socket's URL (a presigned query) before each connection; unsigned without. */
  readonly sign?: (url: string) => Promise<string>;
}

const socketUrl = (endpoint: string, cluster: string, containerInstanceArn: string): string => {
  const url = new URL(endpoint);
  url.searchParams.set('cluster', cluster);
  url.searchParams.set('containerInstance', containerInstanceArn);
  return url.toString();
};

class ControlSocket {
  private socket?: WebSocket;
  private heartbeat?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private closing = false;
  private connectedOnce = false;
  private delay: number;
  private failures = 0;
  private readonly backoff: { readonly initialMs: number; readonly maxMs: number };

  constructor(private readonly options: ControlSocketOptions) {
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000 };
    this.delay = this.backoff.initialMs;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.closing = false;
    this.connect();
  }

  /** Closes for good (no reconnect); resolves once the socket is closed. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'agent shutting down');
    });
  }

  /**
   * Sends a message if the socket is open; false otherwise. For messages that
   * are worthless late (usage figures): nothing is queued for a reconnect.
   */
  sendIfOpen(message: object): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    const { endpoint, cluster, containerInstanceArn, sign } = this.options;
    const url = socketUrl(endpoint, cluster, containerInstanceArn);
    if (!sign) {
      this.open(url);
      return;
    }
    sign(url).then(
      (signed) => {
        if (!this.closing) this.open(signed);
      },
      (error: unknown) => {
        this.options.log?.(`could not sign the socket's URL: ${String(error)}`);
        this.retry();
      },
    );
  }

  private retry(): void {
    this.failures += 1;
    if (this.closing) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.backoff.maxMs);
    this.reconnectTimer = setTimeout(() => this.connect(), wait);
  }

  private open(url: string): void {
    const { endpoint, log } = this.options;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on('open', () => {
      this.delay = this.backoff.initialMs;
      if (this.failures > 0) log?.(`connected to ${endpoint} again`);
      this.failures = 0;
      socket.send(JSON.stringify({ action: 'sync' }));
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ action: 'heartbeat' }));
        }
      }, this.options.heartbeatMs);
      const first = !this.connectedOnce;
      this.connectedOnce = true;
      this.options.onConnected?.(first);
    });
    socket.on('message', (data) => {
      const message = parseServerMessage(data.toString());
      if (message.type !== 'tasks') return;
      if (message.rejected > 0) {
        log?.(`ignored ${message.rejected} malformed task(s) in a tasks message`);
      }
      this.options.onTasks(message.tasks);
    });
    socket.on('error', (error) => {
      // 'close' follows; log once per outage rather than once per attempt.
      if (this.failures === 0) log?.(`socket to ${endpoint}: ${error.message}`);
    });
    socket.on('close', () => {
      clearInterval(this.heartbeat);
      if (this.socket !== socket) return;
      if (this.failures === 0 && this.connectedOnce) this.options.onDisconnected?.();
      this.retry();
    });
  }
}

export type { ControlSocketOptions };
export { ControlSocket, socketUrl };
