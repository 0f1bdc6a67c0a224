/** The console's notification list over HTTP: the unread badge in the navigation, the page, marking read. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env';
import { startConsole, type RunningConsole } from '../console/server';
import { createLogger } from '../logging/logger';
import { createUser, openStore, type Store } from '../store';
import { listNotifications } from '../store/notificationInbox';
import { HttpUser } from '../test/consoleHttpUser';
import { runUsersCommand } from '../cli/users';
import { UsageError } from '../cli/args';
import { ADMIN_TRAIL_ID, listEvents } from '../store';
import { recipientNamed } from '../store/userEmail';
import { produceNotification } from './produce';

const PASSWORD = 'notify password 42';
const noChannels = { smtp: null, webhookUrl: null };

describe('notifications in the console', () => {
  let store: Store;
  let dataDir: string;
  let running: RunningConsole;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhishen-notify-console-'));
    store = await openStore({ dataDir });
    await createUser(store, { username: 'wang.clerk', displayName: '王经办', role: 'clerk', password: PASSWORD });
    await createUser(store, { username: 'li.sup', displayName: '李科长', role: 'supervisor', password: PASSWORD });
    const logger = createLogger('notify-console-test', { terminal: false, logDir: path.join(dataDir, 'logs') });
    running = await startConsole({ store, temporal: new Client(), config: loadConfig({ ZHISHEN_DATA_DIR: dataDir }), logger, port: 0 });
  });
  afterAll(async () => {
    await running?.close();
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const badge = (body: string) => /<span class="badge low unread-count">(\d+)<\/span>/.exec(body)?.[1] ?? null;

  it('shows the unread count in the navigation, lists the notifications and marks them read', async () => {
    const clerk = new HttpUser(running.url, PASSWORD);
    await clerk.login('wang.clerk');
    expect(badge((await clerk.get('/')).body)).toBeNull();

    for (const n of [3, 4])
      await produceNotification(store, noChannels, {
        kind: 'review-reminder',
        key: `LS-2024-000${n}/review-1/reminder-${n}`,
        caseId: `LS-2024-000${n}`,
        caseType: 'lump-sum',
        deadlineAt: '2026-12-08T09:30:00.000Z',
        holder: 'wang.clerk',
      });
    const inbox = await clerk.get('/');
    expect(badge(inbox.body)).toBe('2');
    expect(inbox.body).toContain('href="/notifications"');

    const page = await clerk.get('/notifications');
    expect(page.status).toBe(200);
    expect(page.body).toContain('【智审】审核时限提醒：LS-2024-0003（趸缴）今日到期');
    expect(page.body).toContain('办理时限：北京时间 2026-12-08 17:30');
    expect(page.body).toContain('href="/cases/LS-2024-0003"');
    expect(badge(page.body)).toBe('2');

    // Without the session's token nothing changes.
    const [first] = await listNotifications(store, 'wang.clerk');
    expect((await clerk.post('/notifications/read', { id: first!.id })).status).toBe(403);
    // Someone else's notification cannot be marked by this clerk: the supervisor's stays unread.
    const supervisor = new HttpUser(running.url, PASSWORD);
    await supervisor.login('li.sup');
    const [theirs] = await listNotifications(store, 'li.sup');
    await clerk.get('/notifications');
    const foreign = await clerk.post('/notifications/read', { _csrf: clerk.csrf!, id: theirs!.id });
    expect(foreign.status).toBe(303);
    expect(badge((await supervisor.get('/notifications')).body)).toBe('2');

    await clerk.get('/notifications');
    const marked = await clerk.post('/notifications/read', { _csrf: clerk.csrf!, id: first!.id });
    expect(marked.status).toBe(303);
    expect(marked.headers.get('location')).toBe('/notifications');
    expect(badge((await clerk.get('/notifications')).body)).toBe('1');
    await clerk.post('/notifications/read', { _csrf: clerk.csrf!, id: 'all' });
    const after = await clerk.get('/notifications');
    expect(badge(after.body)).toBeNull();
    expect(after.body).not.toContain('全部标为已读');
    expect((await clerk.post('/notifications/read', { _csrf: clerk.csrf!, id: 'x; DROP' })).status).toBe(400);
  });

  it('users set-email sets and clears an address, strictly, and writes it to the admin trail without the address', async () => {
    const out: string[] = [];
    expect(await runUsersCommand(['set-email', 'wang.clerk', '--email', 'wang@bureau.example'], store, undefined, (l) => out.push(l))).toBe(
      0,
    );
    expect(JSON.parse(out[0]!)).toEqual({ username: 'wang.clerk', email: 'wang@bureau.example' });
    expect((await recipientNamed(store, 'wang.clerk'))?.email).toBe('wang@bureau.example');
    const trail = await listEvents(store, ADMIN_TRAIL_ID);
    expect(trail.at(-1)).toMatchObject({ step: 'user-email-set', outcome: { emailSet: true } });
    expect(JSON.stringify(trail.at(-1))).not.toContain('wang@bureau.example');
    await expect(runUsersCommand(['set-email', 'wang.clerk', '--email', 'not an address'], store, undefined, () => {})).rejects.toThrow(
      UsageError,
    );
    await expect(runUsersCommand(['set-email', 'wang.clerk'], store, undefined, () => {})).rejects.toThrow(/--email ADDRESS or --clear/);
    await expect(runUsersCommand(['set-email', 'nobody', '--clear'], store, undefined, () => {})).rejects.toThrow(/no user nobody/);
    expect((await recipientNamed(store, 'wang.clerk'))?.email).toBe('wang@bureau.example');
    expect(await runUsersCommand(['set-email', 'wang.clerk', '--clear'], store, undefined, () => {})).toBe(0);
    expect((await recipientNamed(store, 'wang.clerk'))?.email).toBeNull();
  });
});
