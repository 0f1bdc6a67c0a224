import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachmentForDisplay } from '../console/attachments';
import { safeNext } from '../console/authRoutes';
import { correctableFields, typedCorrection } from '../console/correctableFields';
import { escapeHtml, html } from '../console/html';
import { csrfMatches, SessionStore } from '../console/sessions';

describe('console building blocks', () => {
  it('escapes every interpolation once, and only what html itself built passes through', () => {
    const name = `<img src=x onerror="alert('1')">&`;
    expect(escapeHtml(name)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
    const inner = html`<b>${name}</b>`;
    expect(html`<p title="${name}">${inner}${[name, 3, null, false]}</p>`.toString()).toBe(
      `<p title="${escapeHtml(name)}"><b>${escapeHtml(name)}</b>${escapeHtml(name)}3</p>`,
    );
    // Something that merely looks like markup is text.
    expect(html`${{ toString: () => '<i>' } as unknown as string}`.toString()).toBe('&lt;i&gt;');
  });

  it('expires idle sessions and replaces the id at login', () => {
    let now = 0;
    const sessions = new SessionStore({ idleMs: 1000, now: () => now });
    const earlier = sessions.logIn(undefined, { username: 'a', displayName: 'A', role: 'clerk', epoch: 0 });
    expect(earlier.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const user = sessions.logIn(earlier, { username: 'a', displayName: 'A', role: 'clerk', epoch: 0 });
    expect(user.id).not.toBe(earlier.id);
    expect(user.csrfToken).not.toBe(earlier.csrfToken);
    expect(sessions.get(earlier.id)).toBeUndefined();
    now = 900;
    expect(sessions.get(user.id)).toBe(user);
    now = 1800;
    expect(sessions.get(user.id)).toBe(user);
    now = 2900;
    expect(sessions.get(user.id)).toBeUndefined();
    expect(csrfMatches(user, user.csrfToken)).toBe(true);
    expect(csrfMatches(user, null)).toBe(false);
    expect(csrfMatches(user, user.csrfToken.slice(1))).toBe(false);
  });

  it('never redirects outside the console after login', () => {
    expect(safeNext('/cases/LS-2024-0006')).toBe('/cases/LS-2024-0006');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', '', null]) expect(safeNext(bad)).toBe('/');
  });

  it('offers the leaves of a case file for correction and types the new value like the old', () => {
    const fields = correctableFields({
      caseId: 'X',
      type: 't',
      to: { coverageStart: '2026-04' },
      receipts: [{ total: '1.00', confidence: { total: 0.5 } }],
      retired: false,
      n: 3,
    });
    expect(fields.map((f) => f.path)).toEqual(['to.coverageStart', 'receipts[0].total', 'retired', 'n']);
    expect(typedCorrection(3, ' 12 ')).toBe(12);
    expect(typedCorrection(false, '是')).toBe(true);
    expect(typedCorrection('2026-04', '2026-07')).toBe('2026-07');
    expect(typedCorrection(null, '')).toBeNull();
    expect(() => typedCorrection(3, 'abc')).toThrow(/数字/);
  });
});

describe('receipt attachments shown to a clerk', () => {
  const badInputs = path.join(import.meta.dirname, '..', 'fixtures', 'bad-inputs', 'receipts');
  const status = (promise: Promise<unknown>) =>
    promise.then(
      () => 200,
      (error: { status?: number }) => error.status,
    );

  it('serves a receipt image or an ordinary PDF by its content type, whatever its name says', async () => {
    const png = path.join(import.meta.dirname, '..', 'fixtures', 'demo', 'attachments', 'RB-2024-0010-1.png');
    expect((await attachmentForDisplay(png, 'RB-2024-0010-1.png')).contentType).toBe('image/png');
    expect((await attachmentForDisplay(path.join(badInputs, 'photo-named-png.png'), 'photo-named-png.png')).contentType).toBe('image/jpeg');
    expect((await attachmentForDisplay(path.join(badInputs, 'pdf-embedded-xml.pdf'), 'e-invoice.pdf')).contentType).toBe('application/pdf');
  });

  it('refuses to hand the browser a PDF with scripts or actions, or a file that is no image or PDF', async () => {
    for (const file of ['pdf-openaction-js.pdf', 'pdf-launch.pdf', 'pdf-link-js.pdf', 'pdf-names-js.pdf', 'pdf-embedded-exe.pdf']) {
      expect(await status(attachmentForDisplay(path.join(badInputs, file), file)), file).toBe(403);
    }
    for (const file of ['svg-named-png.png', 'html-named-pdf.pdf', 'receipt.svg', 'text-named-jpg.jpg']) {
      expect(await status(attachmentForDisplay(path.join(badInputs, file), file)), file).toBe(415);
    }
  });
});
