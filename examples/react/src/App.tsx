// The reference page's React integration: no React code in the package, just
// useSyncExternalStore over the voice's subscribe/getSnapshot (both bound).
import { useEffect, useState, useSyncExternalStore } from 'react';
import { PerfVoice } from 'perfvoice';
import { describeError, options } from '../../shared/config';
import { inspectOnRequest } from '../../shared/inspect';

function useVoice(): PerfVoice {
  const [voice] = useState(() => new PerfVoice(options));
  useEffect(() => () => voice.stop(), [voice]);
  useEffect(() => inspectOnRequest(voice), [voice]);
  return voice;
}

function useLevels(voice: PerfVoice) {
  const [level, setLevel] = useState({ input: 0, output: 0 });
  useEffect(() => {
    let frame = requestAnimationFrame(function tick() {
      setLevel({ input: voice.getInputLevel(), output: voice.getOutputLevel() });
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [voice]);
  return level;
}

export function App() {
  const voice = useVoice();
  const state = useSyncExternalStore(voice.subscribe, voice.getSnapshot);
  const level = useLevels(voice);
  const { status } = state;
  return (
    <>
      <nav><a href="/">All examples</a></nav>
      <h1>Talk to the agent <small>(React)</small></h1>
      <header>
        <button onClick={() => voice.start().catch(() => {})} disabled={status !== 'disconnected'}>Start</button>
        <button onClick={() => voice.stop()} disabled={status === 'disconnected'}>Stop</button>
        <button onClick={() => voice.setMuted(!state.isMuted)} disabled={status !== 'connected'} aria-pressed={state.isMuted}>
          {state.isMuted ? 'Unmute' : 'Mute'}
        </button>
        <span id="status" data-status={status}>{status}</span>
        <span id="mode">{status === 'connected' ? (state.mode === 'speaking' ? 'agent speaking' : 'listening') : ''}</span>
      </header>
      <div className="meters">
        <span>Microphone</span><meter min={0} max={1} value={level.input} />
        <span>Agent</span><meter min={0} max={1} value={level.output} />
      </div>
      <p id="error" role="alert">{describeError(state.error)}</p>
      <ol id="transcript" aria-live="polite">
        {state.transcript.map((turn, index) => (
          <li key={index} data-role={turn.role}>
            <b>{turn.role === 'agent' ? 'Agent' : 'You'}</b>
            {turn.text}
          </li>
        ))}
      </ol>
    </>
  );
}
