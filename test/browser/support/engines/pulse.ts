/**
 * A private PulseAudio for one test run: Firefox and WebKitGTK need a sound server for their
 * AudioContexts to run at all (no sound card here), and it gives them a real microphone: a null
 * sink `micsink` whose monitor is remapped into the default source `virtmic`, fed by `paplay`
 * looping the speech file. Everything it starts is ended by PID in `stop()`.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PulseServer {
  /** Environment a browser needs to reach this server (and no other). */
  env: Record<string, string>;
  /** Ends the microphone loop and the server, and removes the runtime directory. */
  stop(): Promise<void>;
}

/** Whether the PulseAudio binaries are installed. */
export const PULSE_AVAILABLE = ['/usr/bin/pulseaudio', '/usr/bin/pactl', '/usr/bin/paplay'].every((path) => existsSync(path));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ended(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts the server and loops `wavPath` into its microphone.
 * @param wavPath a WAV file paplay can play (48 kHz mono PCM16 here).
 */
export async function startPulse(wavPath: string): Promise<PulseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'perfvoice-pulse-'));
  const socket = join(dir, 'pulse/native');
  // PULSE_LATENCY_MSEC: with PulseAudio's default buffers, Firefox's audio clock ran 1-4 % slow on
  // a loaded 2-core machine (underruns it never catches up, so fewer samples than wall time); with
  // 100 ms buffers it stayed within 0.3 %. Output latency does not enter any figure: the tests
  // measure what reaches the AudioContext's destination, inside the graph.
  const env = { XDG_RUNTIME_DIR: dir, PULSE_SERVER: `unix:${socket}`, HOME: dir, PULSE_STATE_PATH: join(dir, 'state'), PULSE_LATENCY_MSEC: '100' };
  const childEnv = { ...process.env, ...env };
  const server = spawn(
    'pulseaudio',
    [
      '-n', '--daemonize=no', '--exit-idle-time=-1', '--disallow-exit', '--disable-shm=yes', '--log-target=stderr',
      '-L', `module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      '-L', 'module-null-sink sink_name=speaker rate=48000 channels=2',
      '-L', 'module-null-sink sink_name=micsink rate=48000 channels=1',
      '-L', 'module-remap-source master=micsink.monitor source_name=virtmic channels=1',
    ],
    { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr!.on('data', (data: Buffer) => (log = (log + data).slice(-4000)));
  // Ready once pactl can talk to it (typically within 100-300 ms).
  const began = Date.now();
  for (;;) {
    if (server.exitCode !== null) throw new Error(`pulseaudio exited: ${log}`);
    if (spawnSync('pactl', ['info'], { env: childEnv, stdio: 'ignore' }).status === 0) break;
    if (Date.now() - began > 10000) {
      server.kill('SIGKILL');
      throw new Error(`pulseaudio did not start: ${log}`);
    }
    await sleep(50);
  }
  spawnSync('pactl', ['set-default-sink', 'speaker'], { env: childEnv });
  spawnSync('pactl', ['set-default-source', 'virtmic'], { env: childEnv });
  // The microphone: the speech file over and over, for as long as the run lasts. paplay is fed a
  // file of 20 copies, so the gap between two paplay runs (which would shift the speech against
  // the looping source the tests correlate with) comes only every couple of minutes.
  const looped = join(dir, 'speech-looped.wav');
  execFileSync('sox', [wavPath, looped, 'repeat', '19']);
  let looping = true;
  let player: ChildProcess | null = null;
  const loop = () => {
    if (!looping) return;
    player = spawn('paplay', ['--device=micsink', looped], { env: childEnv, stdio: 'ignore' });
    player.once('exit', loop);
  };
  loop();
  return {
    env,
    async stop() {
      looping = false;
      const current = player as ChildProcess | null;
      if (current?.pid) current.kill('SIGKILL');
      if (current) await ended(current);
      server.kill('SIGTERM');
      await Promise.race([ended(server), sleep(2000)]);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
