/** The agent's greeting: its text and a recorded clip that says it, shipped in `assets/`. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWav, type PcmAudio } from './wav.js';

/** What the bundled `assets/greeting.wav` says. */
export const DEFAULT_GREETING_TEXT = "Hello! I'm the local echo agent. Say something, and I will repeat it.";

const ASSET_NAME = 'greeting.wav';

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

let bundledClip: PcmAudio | undefined;

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
  if (bundledClip) return bundledClip;
  const candidates = assetCandidates();
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`perfvoice/testing: ${ASSET_NAME} not found; looked in:\n  ${candidates.join('\n  ')}`);
  }
  bundledClip = parseWav(readFileSync(found));
  return bundledClip;
}

function assetCandidates(): string[] {
  // `import.meta.url` is empty in a CommonJS build; the current directory is the best guess then.
  const url = typeof import.meta.url === 'string' ? import.meta.url : undefined;
  let dir = url ? dirname(fileURLToPath(url)) : process.cwd();
  const candidates: string[] = [];
  for (let level = 0; level < 3; level++) {
    candidates.push(join(dir, 'assets', ASSET_NAME), join(dir, 'testing', 'assets', ASSET_NAME));
    dir = dirname(dir);
  }
  return candidates;
}
