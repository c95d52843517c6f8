/**
 * The local events stream as a subscriber reads it (`curl -N <events>/events`):
 * Server-Sent Events, one EventBridge envelope per `data:` line.
 */

interface Envelope {
  'detail-type': string;
  source: string;
  account: string;
  region: string;
  resources: string[];
  detail: {
    lastStatus?: string;
    desiredStatus?: string;
    version?: number;
    status?: string;
    agentConnected?: boolean;
    taskArn?: string;
    clusterArn?: string;
  };
}

/** Subscribes as a user would (`curl -N <events>/events`), collecting every event. */
const subscribe = async (query: string) => {
  const controller = new AbortController();
  const received: Envelope[] = [];
  const response = await fetch(`${process.env.BERTH_TEST_EVENTS_URL}?${query}`, {
    signal: controller.signal,
  });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const chunk = await reader?.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith('data: ')) received.push(JSON.parse(frame.slice(6)) as Envelope);
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  return {
    received,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
};

export type { Envelope };
export { subscribe };
