/** Reading a Server-Sent Events stream by hand (Node 20 has no EventSource). */

export interface SseEvent {
  event: string;
  data: string;
}

/** The events of an event stream, in order, until it ends (comments and unnamed blocks skipped). */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join("\n");
      if (event) yield { event, data };
      end = buffer.indexOf("\n\n");
    }
  }
}
