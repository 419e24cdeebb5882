/** Starts the demo: a local agent (unless `agentUrl` is given) and a static server for the examples. */
export function startDemo(options?: { port?: number; agentUrl?: string }): Promise<{ url: string; agentUrl: string; close(): Promise<unknown> }>;
