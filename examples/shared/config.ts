// Where the examples find the agent: `npm start` serves /demo-config.js with the local agent's
// address. Against Perf, pass your own apiKey and agentId.
import type { PerfVoiceOptions } from 'perfvoice';
import { clientTools } from './conversation';

export const options: PerfVoiceOptions = {
  ...((window as { DEMO?: PerfVoiceOptions }).DEMO ?? { apiKey: 'pk_live_...', agentId: 'your-agent-id' }),
  clientTools,
};

/** A message for the user, from the error that ended (or prevented) the session. */
export const describeError = (error: Error | null): string =>
  !error ? '' : error.name === 'NotAllowedError' ? 'Microphone access was denied: allow it in the browser settings and try again.' : error.message;
