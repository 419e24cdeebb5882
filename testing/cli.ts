#!/usr/bin/env node
/**
 * `perfvoice-agent`: runs the local agent until SIGINT/SIGTERM.
 *   node dist/testing/cli.js --port 8787
 * This file is an entry point: running it starts the server (the library modules have no
 * import-time side effects).
 */
import { parseArgs } from 'node:util';
import { AUDIO_FORMATS, isAudioFormat } from './audio-format.js';
import { createLocalAgent } from './local-agent.js';
import type { LocalAgentOptions } from './options.js';

const USAGE = `Usage: perfvoice-agent [options]

A local Perf voice agent: greets, then echoes every user turn back (WebSocket protocol of PerfVoice).

Options:
  --port <n>             port to listen on, 0 for any free one (default 8787)
  --host <addr>          interface to listen on (default 127.0.0.1)
  --output-format <f>    agent audio format (default pcm_16000)
  --input-format <f>     expected user audio format (default pcm_16000)
  --greeting <text>      greeting text (spoken with the bundled greeting clip)
  --no-greeting          do not greet
  --ping-interval <ms>   keepalive ping period, 0 for none (default 2000)
  --pong-timeout <ms>    close with 1002 when a ping is unanswered this long (default 10000)
  --chunk-ms <ms>        agent audio per message (default 200)
  --buffer-ahead-ms <ms> how far ahead of playout agent audio is sent (default 400)
  --client-data-wait <ms> wait this long for the client data before the metadata (default 100)
  --no-tentative         no tentative_user_transcript messages
  --no-vad-scores        no vad_score messages
  --no-alignment         no alignment in agent audio messages
  --quiet                no connection log
  -h, --help             this text

Formats: ${AUDIO_FORMATS.join(', ')}`;

function fail(message: string): never {
  console.error(`perfvoice-agent: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseOptions(argv: string[]): LocalAgentOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'output-format': { type: 'string' },
      'input-format': { type: 'string' },
      greeting: { type: 'string' },
      'no-greeting': { type: 'boolean' },
      'ping-interval': { type: 'string' },
      'pong-timeout': { type: 'string' },
      'chunk-ms': { type: 'string' },
      'buffer-ahead-ms': { type: 'string' },
      'client-data-wait': { type: 'string' },
      'no-tentative': { type: 'boolean' },
      'no-vad-scores': { type: 'boolean' },
      'no-alignment': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) fail(`--${name} needs a non-negative number, got "${value}"`);
    return parsed;
  };
  const format = (name: string, value: string | undefined) => {
    if (value === undefined || isAudioFormat(value)) return value;
    return fail(`--${name}: unknown format "${value}"`);
  };
  const pingInterval = number('ping-interval', values['ping-interval']);
  return {
    port: number('port', values.port) ?? 8787,
    host: values.host,
    outputFormat: format('output-format', values['output-format']),
    inputFormat: format('input-format', values['input-format']),
    greeting: values['no-greeting'] ? false : values.greeting,
    pingIntervalMs: pingInterval === 0 ? false : pingInterval,
    pongTimeoutMs: number('pong-timeout', values['pong-timeout']),
    chunkMs: number('chunk-ms', values['chunk-ms']),
    bufferAheadMs: number('buffer-ahead-ms', values['buffer-ahead-ms']),
    clientDataWaitMs: number('client-data-wait', values['client-data-wait']),
    tentative: values['no-tentative'] ? false : undefined,
    vadScores: values['no-vad-scores'] ? false : undefined,
    alignment: values['no-alignment'] ? false : undefined,
    record: false, // nobody reads the record here, and it would grow for as long as the server runs
    log: values.quiet ? undefined : (line) => console.log(`[${new Date().toISOString()}] ${line}`),
  };
}

async function main(): Promise<void> {
  let options: LocalAgentOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    fail((error as Error).message);
  }
  const agent = await createLocalAgent(options);
  console.log(`perfvoice local agent listening on ${agent.url}`);
  console.log(`connect with ${agent.url}?api_key=<any>&agent_id=<any>; Ctrl-C to stop`);
  console.log(`signed URLs (no key on the page): GET ${agent.signedUrlEndpoint}?agent_id=<id> with an x-api-key header`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second signal: do not wait for clients
    stopping = true;
    console.log(`${signal}: closing ${agent.sessions.size} session(s)`);
    agent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`perfvoice-agent: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
