import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { safeNext } from '../console/authRoutes';
import { clientAddress, TrustedProxies } from '../console/clientAddress';
import { LoginFormTokens } from '../console/loginForm';

const MINUTE = 60_000;

describe('next= after login', () => {
  it('keeps a path of this console', () => {
    for (const ok of [
      '/',
      '/cases/LS-2024-0006',
      '/?type=ls&sla=overdue',
      '/dashboard/batches/b1',
      '/cases/LS-2024-0006#trail',
      '/%2F%2Fevil.example',
    ])
      expect(safeNext(ok), ok).toBe(ok);
  });

  it.each([
    ['tab between the slashes', '/\t/evil.example'],
    ['newline between the slashes', '/\n/evil.example'],
    ['carriage return', '/\r/evil.example'],
    ['leading space', ' /cases/X'],
    ['space inside', '/cases/ X'],
    ['NUL', '/\u0000/evil.example'],
    ['DEL', '/\u007f/evil.example'],
    ['C1 control', '/\u0085/evil.example'],
    ['no-break space', '/\u00a0/evil.example'],
    ['ideographic space', '/\u3000/evil.example'],
    ['line separator', '/\u2028/evil.example'],
    ['byte order mark', '/\ufeff/evil.example'],
    ['protocol-relative', '//evil.example'],
    ['backslash', '/\\evil.example'],
    ['backslash later', '/cases\\..\\..\\evil'],
    ['absolute URL', 'https://evil.example'],
    ['javascript URL', 'javascript:alert(1)'],
    ['relative path', 'cases/X'],
    ['three slashes', '///evil.example'],
    ['non-ASCII', '/案件'],
    ['empty', ''],
    ['missing', null],
  ])('refuses %s', (_name, hostile) => {
    expect(safeNext(hostile)).toBe('/');
  });
});

describe('client address behind a reverse proxy', () => {
  const request = (peer: string, forwarded?: string) =>
    ({
      socket: { remoteAddress: peer },
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    }) as unknown as IncomingMessage;

  it('believes X-Forwarded-For only from a trusted proxy, read from the right', () => {
    const none = new TrustedProxies([]);
    const proxies = new TrustedProxies(['10.0.0.5', '10.1.0.0/16', '::1']);
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), none)).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:203.0.113.9', '198.51.100.1'), proxies)).toBe('203.0.113.9');
    expect(clientAddress(request('10.0.0.5', '198.51.100.1'), proxies)).toBe('198.51.100.1');
    expect(clientAddress(request('::ffff:10.0.0.5', '198.51.100.1'), proxies)).toBe('198.51.100.1');
    // The client wrote its own "address" first; the proxy appended the real one.
    expect(clientAddress(request('10.0.0.5', '1.1.1.1, 198.51.100.1'), proxies)).toBe('198.51.100.1');
    // Two trusted hops (a load balancer in 10.1/16 before the proxy).
    expect(clientAddress(request('10.0.0.5', '1.1.1.1, 198.51.100.1, 10.1.4.4'), proxies)).toBe('198.51.100.1');
    expect(clientAddress(request('::1', '2001:db8::7'), proxies)).toBe('2001:db8::7');
    // A trusted proxy with no header, or garbage in it, leaves the last address vouched for.
    expect(clientAddress(request('10.0.0.5'), proxies)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', 'not-an-ip'), proxies)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', '198.51.100.1, junk'), proxies)).toBe('10.0.0.5');
  });

  it('reads ZHISHEN_TRUSTED_PROXIES and ZHISHEN_CONSOLE_PUBLIC_URL, naming a bad value', () => {
    expect(loadConfig({}).console).toEqual({ publicUrl: undefined, https: false, trustedProxies: [] });
    const https = loadConfig({
      ZHISHEN_CONSOLE_PUBLIC_URL: 'https://zhishen.bureau.example/',
      ZHISHEN_TRUSTED_PROXIES: ' 10.0.0.5, 10.1.0.0/16 ,::1',
    }).console;
    expect(https).toEqual({ publicUrl: 'https://zhishen.bureau.example', https: true, trustedProxies: ['10.0.0.5', '10.1.0.0/16', '::1'] });
    expect(loadConfig({ ZHISHEN_CONSOLE_PUBLIC_URL: 'http://10.0.0.8:8080' }).console.https).toBe(false);
    expect(() => loadConfig({ ZHISHEN_TRUSTED_PROXIES: '10.0.0.5,proxy.local' })).toThrow(/ZHISHEN_TRUSTED_PROXIES.*IP addresses/);
    expect(() => loadConfig({ ZHISHEN_TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/ZHISHEN_TRUSTED_PROXIES/);
    expect(() => loadConfig({ ZHISHEN_CONSOLE_PUBLIC_URL: 'ftp://x' })).toThrow(/ZHISHEN_CONSOLE_PUBLIC_URL/);
  });
});

describe('login form token (no session before login)', () => {
  it('needs the same token in cookie and form, signed by this process and fresh', () => {
    let now = 0;
    const tokens = new LoginFormTokens(10 * MINUTE, () => now);
    const token = tokens.issue();
    expect(tokens.valid(token, token)).toBe(true);
    expect(tokens.valid(undefined, token)).toBe(false);
    expect(tokens.valid(token, null)).toBe(false);
    expect(tokens.valid(tokens.issue(), token)).toBe(false);
    const [nonce, expires] = token.split('.');
    const forged = `${nonce}.${(Number.parseInt(expires!, 36) + 10 * MINUTE).toString(36)}.${token.split('.')[2]}`;
    expect(tokens.valid(forged, forged)).toBe(false);
    const elsewhere = new LoginFormTokens(10 * MINUTE, () => now).issue();
    expect(tokens.valid(elsewhere, elsewhere)).toBe(false);
    // A second tab (or a stray redirect to /login) gets the browser's token while it is fresh.
    expect(tokens.current(token)).toBe(token);
    expect(tokens.current(forged)).not.toBe(forged);
    now = 6 * MINUTE;
    expect(tokens.current(token)).not.toBe(token);
    now = 10 * MINUTE;
    expect(tokens.valid(token, token)).toBe(false);
  });
});
