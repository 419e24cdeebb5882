/** Serves `root` over HTTP on 127.0.0.1 (see serve.mjs). */
export function serveStatic(options: {
  root: string;
  host?: string;
  port?: number;
  routes?: Record<string, () => Promise<{ type: string; body: string | Uint8Array }> | { type: string; body: string | Uint8Array }>;
  /** Extra response headers for every file served (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
}): Promise<{ url: string; port: number; close(): Promise<void> }>;
