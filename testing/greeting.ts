/**
 * The agent's recorded clips, shipped in `assets/`: the greeting (its text and a clip that says
 * it) and the short reply spoken to typed messages and tool outcomes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWav, type PcmAudio } from './wav.js';

/** What the bundled `assets/greeting.wav` says. */
export const DEFAULT_GREETING_TEXT = "Hello! I'm the local echo agent. Say something, and I will repeat it.";

/** What the bundled `assets/got-message.wav` says: the audio of every answer to typed input. */
export const REPLY_CLIP_TEXT = 'Got your message.';

/**
 * The greeting the agent speaks after the initiation metadata:
 * - `false`: no greeting;
 * - a string: that text as `agent_response`, with the bundled clip as audio (it says
 *   {@link DEFAULT_GREETING_TEXT}, so pass an object with `audio` when the words matter);
 * - `{ text, audio }`: your own text and clip.
 */
export type GreetingOption = false | string | { text: string; audio?: PcmAudio };

/** A greeting ready to speak. */
export interface Greeting {
  /** Sent as `agent_response`. */
  text: string;
  /** Spoken as agent audio. */
  audio: PcmAudio;
}

const clips = new Map<string, PcmAudio>();

/** Resolves a {@link GreetingOption} (default: the bundled greeting); `null` for no greeting. */
export function resolveGreeting(option: GreetingOption | undefined): Greeting | null {
  if (option === false) return null;
  if (typeof option === 'object') return { text: option.text, audio: option.audio ?? loadBundledGreeting() };
  return { text: option ?? DEFAULT_GREETING_TEXT, audio: loadBundledGreeting() };
}

/**
 * The bundled greeting clip, read once. The file is looked up around this module rather than at
 * one fixed path because the module runs from `testing/` (sources, tests) as well as from the
 * built `dist/testing/` (package), with the assets either copied beside it or left in `testing/`.
 */
export function loadBundledGreeting(): PcmAudio {
  return loadAsset('greeting.wav');
}

/**
 * The bundled reply clip ("Got your message.", see {@link REPLY_CLIP_TEXT}), read once. No speech
 * synthesis runs at runtime, so every answer to typed text is spoken with this one clip whatever
 * its words; the words are in the `agent_response` text.
 */
export function loadBundledReplyClip(): PcmAudio {
  return loadAsset('got-message.wav');
}

/** A WAV file of `assets/`, parsed once and cached. */
function loadAsset(name: string): PcmAudio {
  const cached = clips.get(name);
  if (cached) return cached;
  const candidates = assetCandidates(name);
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`perfvoice/testing: ${name} not found; looked in:\n  ${candidates.join('\n  ')}`);
  }
  const clip = parseWav(readFileSync(found));
  clips.set(name, clip);
  return clip;
}

function assetCandidates(name: string): string[] {
  // `import.meta.url` is empty in a CommonJS build; the current directory is the best guess then.
  const url = typeof import.meta.url === 'string' ? import.meta.url : undefined;
  let dir = url ? dirname(fileURLToPath(url)) : process.cwd();
  const candidates: string[] = [];
  for (let level = 0; level < 3; level++) {
    candidates.push(join(dir, 'assets', name), join(dir, 'testing', 'assets', name));
    dir = dirname(dir);
  }
  return candidates;
}
