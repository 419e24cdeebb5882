// The reference page's React integration: no React code in the package, just
// useSyncExternalStore over the voice's subscribe/getSnapshot (both bound).
import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { PerfVoice } from 'perfvoice';
import { describeError, options } from '../../shared/config';
import { TOOL_EXAMPLE, describeEnding, enableAudio, latestAgentTurn, rate, sendTyped, showPassingErrors, typingNotifier } from '../../shared/conversation';
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
  const [message, setMessage] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => showPassingErrors(voice, setNote), [voice]);
  const [typing] = useState(() => typingNotifier(voice));
  const { status } = state;
  // The rating buttons sit on the latest agent turn.
  const latestAgent = latestAgentTurn(state.transcript);
  const send = (event: FormEvent) => {
    event.preventDefault(); // Enter in the box, or Send
    if (sendTyped(voice, message, setNote)) setMessage('');
  };
  return (
    <>
      <nav><a href="/">All examples</a></nav>
      <h1>Talk to the agent <small>(React)</small></h1>
      <header>
        <button id="start" className="primary" onClick={() => voice.start().catch(() => {})} disabled={status !== 'disconnected'}>Start</button>
        <button id="stop" onClick={() => voice.stop()} disabled={status === 'disconnected'}>Stop</button>
        <button id="mute" onClick={() => voice.setMuted(!state.isMuted)} disabled={status !== 'connected'} aria-pressed={state.isMuted}>
          {state.isMuted ? 'Unmute' : 'Mute'}
        </button>
        <span id="status" data-status={status}>{status}</span>
        <span id="mode">{status === 'connected' ? (state.mode === 'speaking' ? 'agent speaking' : 'listening') : ''}</span>
        {state.audioBlocked && (
          <button id="enable-audio" className="primary" onClick={() => enableAudio(voice)}>Enable audio</button>
        )}
      </header>
      <div className="meters">
        <span>Microphone</span><meter min={0} max={1} value={level.input} />
        <span>Agent</span><meter min={0} max={1} value={level.output} />
      </div>
      <p id="error" role="alert">{describeError(state.error)}</p>
      <p id="note" role="status">{note || describeEnding(state.endedBy)}</p>
      <ol id="transcript" aria-live="polite">
        {state.transcript.map((turn, index) => (
          <li key={index} data-role={turn.role} data-interrupted={turn.interrupted ? '' : undefined}>
            <b>{turn.role === 'agent' ? 'Agent' : 'You'}</b>
            <span className="text">{turn.text}</span>
            {index === latestAgent && (
              <span className="feedback">
                <button type="button" className="like" disabled={!state.canSendFeedback} onClick={() => rate(voice, true)}>Like</button>
                <button type="button" className="dislike" disabled={!state.canSendFeedback} onClick={() => rate(voice, false)}>Dislike</button>
              </span>
            )}
          </li>
        ))}
      </ol>
      {status === 'connected' && state.tentative && <p id="tentative" data-role="user">{state.tentative}</p>}
      <form id="compose" onSubmit={send}>
        <input
          id="message"
          aria-label="Message to the agent"
          placeholder="Type a message"
          autoComplete="off"
          value={message}
          onChange={(event) => {
            setMessage(event.target.value);
            typing();
          }}
          disabled={status !== 'connected'}
        />
        <button id="send" className="primary" disabled={status !== 'connected'}>Send</button>
      </form>
      <p className="hint">Type <code id="tool-example">{TOOL_EXAMPLE}</code> to let the agent call it.</p>
    </>
  );
}
