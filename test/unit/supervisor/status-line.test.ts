import { describe, expect, it } from 'vitest';
import { healthOfStatus } from '../../../electron/engine/supervisor/health-probe.js';
import { parseStatusLine } from '../../../electron/engine/supervisor/status-line.js';

describe('parseStatusLine', () => {
  it('reads the code once the status line is complete', () => {
    expect(parseStatusLine('HTTP/1.1 200 OK\r\nContent-Length: 15\r\n')).toBe(200);
    expect(parseStatusLine('HTTP/1.0 503 Service Unavailable\r\n')).toBe(503);
    expect(parseStatusLine('HTTP/1.1 404\r\n')).toBe(404); // the reason phrase may be empty
    expect(parseStatusLine('HTTP/1.1 200 OK\n')).toBe(200);
  });

  it('waits for the rest of a status line split across chunks', () => {
    for (const head of ['', 'H', 'HTTP/', 'HTTP/1.1', 'HTTP/1.1 20', 'HTTP/1.1 200 O', 'HTTP/1.1 200 OK\r']) expect(parseStatusLine(head)).toBe('incomplete');
  });

  it('knows an answer that is not HTTP at once', () => {
    expect(parseStatusLine('SSH-2.0-OpenSSH_9.6\r\n')).toBe('invalid');
    expect(parseStatusLine('{"status":"ok"}')).toBe('invalid');
    expect(parseStatusLine('HTTP/1.1 2000 OK\r\n')).toBe('invalid');
    expect(parseStatusLine('HTTP/1.1 OK\r\n')).toBe('invalid');
  });
});

describe('healthOfStatus', () => {
  it('2xx is ok, 503 is loading (llama-server loading its model), anything else is down', () => {
    expect(healthOfStatus(200)).toEqual({ state: 'ok', reason: 'HTTP 200' });
    expect(healthOfStatus(204).state).toBe('ok');
    expect(healthOfStatus(503)).toEqual({ state: 'loading', reason: 'HTTP 503' });
    expect(healthOfStatus(404)).toEqual({ state: 'down', reason: 'HTTP 404' });
    expect(healthOfStatus(500).state).toBe('down');
    expect(healthOfStatus(302).state).toBe('down');
  });
});
