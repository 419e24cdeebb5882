/**
 * The client-tools actor: runs the page's tool functions for as long as the session is connected.
 * Every call ends in exactly one `tool.result` (a value, an error, an unknown name, or a timeout);
 * once the actor is stopped (the session ended), late results are dropped, never sent anywhere.
 */
import { fromCallback } from 'xstate';
import type { ClientTool, ToolCall, ToolResult } from '../types';

export type ToolsEvent = { type: 'tool.result' } & ToolResult;

export type ToolsCommand = { type: 'tool.call' } & ToolCall;

export interface ToolsInput {
  tools: Record<string, ClientTool>;
  timeoutMs: number;
}

export const toolsActor = fromCallback<ToolsCommand, ToolsInput, ToolsEvent>(({ input: { tools, timeoutMs }, sendBack, receive }) => {
  let live = true;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  receive(({ name, id, parameters }) => {
    let done = false;
    const finish = (result: string, isError: boolean) => {
      clearTimeout(timer);
      timers.delete(timer);
      if (live && !done) sendBack({ type: 'tool.result', name, id, parameters, result, isError });
      done = true;
    };
    const timer = setTimeout(() => finish(`Client tool "${name}" did not finish within ${timeoutMs} ms.`, true), timeoutMs);
    timers.add(timer);
    const tool = Object.hasOwn(tools, name) ? tools[name] : undefined;
    if (!tool) return finish(`Unknown client tool "${name}".`, true);
    Promise.resolve()
      .then(() => tool(parameters))
      .then((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')))
      .then(
        (result) => finish(result, false),
        (error) => finish(error instanceof Error ? error.message : String(error), true),
      );
  });
  return () => {
    live = false;
    timers.forEach(clearTimeout);
  };
});
