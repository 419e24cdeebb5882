/**
 * What every engine's rig shares: the repository root, the harness script, and the speech file
 * the microphone plays. The drivers themselves live in ./engines/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWav } from '../../../testing/wav';

export { CAPS, caps, ENGINE, ENGINE_AVAILABLE, ENGINE_LABEL, launch, type EngineName, type EnginePage, type Rig } from './engines/driver';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = join(ROOT, 'test-results');
/**
 * The observation harness, injected before any page script in every engine: harness.js, then
 * harness-sockets.js (sockets and Workers), as one script.
 */
export const harnessSource = () =>
  ['harness.js', 'harness-sockets.js'].map((file) => readFileSync(join(ROOT, 'test/browser/support', file), 'utf8')).join('\n');

/** The sentence the microphone says, over and over. */
export const SPEECH_TEXT = 'The quick brown fox jumps over the lazy dog. Perf voice agents answer in real time.';

/**
 * The speech file (48 kHz mono PCM16 WAV, made with espeak-ng and sox once) and its samples.
 * 1.5 s of silence follows the speech so the agent's voice detection sees a turn end.
 * @param leadInS seconds of silence before the speech: a user who lets the agent finish first.
 */
export function speechFile(leadInS = 0): { path: string; samples: Int16Array; sampleRate: number } {
  const path = join(OUT, leadInS ? `speech-48k-lead${leadInS}s.wav` : 'speech-48k.wav');
  if (!existsSync(path)) {
    mkdirSync(OUT, { recursive: true });
    const raw = join(OUT, `speech-raw-${process.pid}.wav`);
    execFileSync('espeak-ng', ['-s', '150', '-w', raw, SPEECH_TEXT]);
    execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', path, 'pad', String(leadInS), '1.5']);
  }
  const wav = parseWav(readFileSync(path));
  return { path, samples: wav.samples, sampleRate: wav.sampleRate };
}

/**
 * A script rejecting getUserMedia as a user clicking "Block" does (runs before the harness). On
 * the prototype, as the harness does, so it survives WebKit recreating navigator.mediaDevices.
 */
export const DENY_SCRIPT = `if (window.MediaDevices) MediaDevices.prototype.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`;
