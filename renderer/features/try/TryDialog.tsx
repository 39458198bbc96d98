import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { TryFigures } from './chat-stream.js';
import { formatLatency } from './stats-line.js';
import { runTry } from './run-try.js';
import type { TryEndpoint } from './try-endpoint.js';
import './try.css';

type Status = { kind: 'idle' } | { kind: 'running' } | { kind: 'done' } | { kind: 'stopped' } | { kind: 'error'; message: string };

interface TryDialogProps {
  name: string;
  /** Null where this page cannot reach the API: the dialog says where to try instead. */
  endpoint: TryEndpoint | null;
  /** The OpenAI base URL to show where the box cannot send. */
  clientUrl: string | null;
  onClose: () => void;
}

function Figures({ figures }: { figures: TryFigures | null }) {
  return (
    <dl className="try-figures">
      <dt>Time to first token</dt>
      <dd>{figures?.ttftMs != null ? formatLatency(figures.ttftMs) : '—'}</dd>
      <dt>Tokens per second</dt>
      <dd>{figures?.tokensPerS != null ? `${figures.tokensPerS}${figures.fromUsage ? '' : ' (estimated)'}` : '—'}</dd>
      <dt>Tokens</dt>
      <dd>{figures ? figures.tokens : '—'}</dd>
    </dl>
  );
}

/**
 * A prompt box for one model: a modal dialog that streams one chat completion from the endpoint every
 * client uses, shows time to first token and tokens per second, and stops on request.
 */
export function TryDialog({ name, endpoint, clientUrl, onClose }: TryDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const abort = useRef<AbortController | null>(null);
  const id = useId();
  const [prompt, setPrompt] = useState('Say hello in one short sentence.');
  const [answer, setAnswer] = useState('');
  const [figures, setFigures] = useState<TryFigures | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // Closing (Escape, the Close button, the row going away) ends a running request.
    return () => abort.current?.abort();
  }, []);

  const send = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!endpoint || status.kind === 'running' || prompt.trim() === '') return;
    const ctl = new AbortController();
    abort.current = ctl;
    setAnswer('');
    setFigures(null);
    setStatus({ kind: 'running' });
    const outcome = await runTry({
      endpoint, model: name, prompt, signal: ctl.signal,
      now: () => performance.now(),
      fetch: endpoint.fetch ?? ((input, init) => window.fetch(input, init)),
      onProgress: (p) => {
        setAnswer(p.answer);
        setFigures(p.figures);
      },
    });
    if (abort.current === ctl) abort.current = null;
    setStatus(outcome);
  };

  const running = status.kind === 'running';
  return (
    <dialog ref={ref} className="try-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <div className="try-head">
        <h2 id={`${id}-title`}>Try {name}</h2>
        <button type="button" className="btn btn-ghost btn-small" aria-label="Close" onClick={() => ref.current?.close()}>✕</button>
      </div>
      {endpoint ? (
        <form className="try-form" onSubmit={(e) => void send(e)}>
          <label htmlFor={`${id}-prompt`}>Prompt</label>
          <textarea id={`${id}-prompt`} className="field try-prompt" rows={3} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
          <div className="try-actions">
            <span className="faint try-note">Sent to /v1/chat/completions, streamed, like any client.</span>
            <button type="button" className="btn" disabled={!running} onClick={() => abort.current?.abort()}>Stop</button>
            <button type="submit" className="btn btn-primary" disabled={running || prompt.trim() === ''} aria-busy={running || undefined}>
              {running ? 'Answering…' : 'Send'}
            </button>
          </div>
        </form>
      ) : (
        <p className="try-note">
          This window cannot send requests itself. Open the dashboard in a browser at the API&apos;s address
          {clientUrl ? <> (<code>{clientUrl.replace(/\/v1$/, '')}</code>)</> : null} to try a model there, or point any OpenAI client at it.
        </p>
      )}
      <Figures figures={figures} />
      <div className="try-answer" role="log" aria-live="polite" aria-label={`Answer from ${name}`}>
        {answer || <span className="faint">{running ? 'Waiting for the first token…' : 'The answer appears here.'}</span>}
      </div>
      <p className="try-status" role="status">
        {status.kind === 'done' ? 'Done.' : status.kind === 'stopped' ? 'Stopped.' : running ? 'Streaming…' : ''}
      </p>
      {status.kind === 'error' ? <p className="try-error" role="alert">{status.message}</p> : null}
    </dialog>
  );
}
