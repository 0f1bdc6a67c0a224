/**
 * Schedules on the dashboard: everyone who sees the dashboard sees them; only a manager creates,
 * pauses (with a note), unpauses, triggers or deletes one. The server has checked origin and CSRF
 * token of every POST before it reaches these handlers.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/env';
import {
  OVERLAP_POLICIES,
  createBatchSchedule,
  deleteBatchSchedule,
  pauseBatchSchedule,
  triggerBatchSchedule,
  unpauseBatchSchedule,
  type Overlap,
  type ScheduleView,
} from '../schedules/manage';
import type { AuthedContext } from './context';
import { html, type SafeHtml } from './html';
import { HttpError, redirect } from './http';
import { bureauTime } from './labels';
import { csrfField } from './pages/layout';
import type { Session } from './sessions';

const SCHEDULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const FOLDER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const OVERLAP_LABELS: Record<Overlap, string> = {
  skip: '跳过（上一次未完成时不运行）',
  'buffer-one': '排队一次',
  'buffer-all': '全部排队',
  'cancel-other': '取消上一次',
  'terminate-other': '终止上一次',
  'allow-all': '允许并行',
};

/** Intake folders a manager may schedule: sub-folders of <dataDir>/intake-folders, by name, never a free path. */
export function intakeFoldersRoot(config: AppConfig): string {
  return path.join(config.dataDir, 'intake-folders');
}

/** The schedules card; forms only for a manager. */
export function schedulesSection(session: Session, views: readonly ScheduleView[] | { error: string }, canManage: boolean): SafeHtml {
  if ('error' in views)
    return html`<section class="card" id="schedules">
      <h2>定时批次</h2>
      <p class="notice warn">无法读取定时任务：${views.error}</p>
    </section>`;
  const act = (id: string, action: string, label: string, extra: SafeHtml | string = '') =>
    html`<form class="inline" method="post" action="/dashboard/schedules/${encodeURIComponent(id)}/${action}">
      ${csrfField(session)}${extra}<button type="submit">${label}</button>
    </form>`;
  return html`<section class="card" id="schedules">
    <h2>定时批次</h2>
    ${
      views.length === 0
        ? html`<p class="muted">没有定时任务</p>`
        : html`<table class="schedules">
            <thead>
              <tr>
                <th>任务</th>
                <th>时间</th>
                <th>接收目录</th>
                <th>重叠策略</th>
                <th>节假日</th>
                <th>状态</th>
                <th>下次运行（北京时间）</th>
                <th>最近运行</th>
                ${canManage ? html`<th>操作</th>` : ''}
              </tr>
            </thead>
            <tbody>
              ${views.map(
                (v) =>
                  html`<tr data-schedule="${v.scheduleId}">
                    <td>${v.scheduleId}</td>
                    <td>${v.spec}</td>
                    <td>${v.intakeFolder ?? ''}</td>
                    <td>${v.overlap ? OVERLAP_LABELS[v.overlap] : ''}</td>
                    <td>${v.runOnHolidays ? '照常运行' : '跳过'}</td>
                    <td>
                      ${v.paused ? html`<span class="badge sla-overdue">已暂停</span> ${v.note ?? ''}` : html`<span class="badge sla-on-time">运行中</span>`}
                    </td>
                    <td>${v.nextRuns[0] ? bureauTime(v.nextRuns[0]) : ''}</td>
                    <td>${v.recentRuns.at(-1)?.workflowId ?? '—'}</td>
                    ${
                      canManage
                        ? html`<td>
                            ${v.paused ? act(v.scheduleId, 'unpause', '恢复') : act(v.scheduleId, 'pause', '暂停', html`<input name="note" required maxlength="200" placeholder="暂停原因" />`)}
                            ${act(v.scheduleId, 'trigger', '立即运行')} ${act(v.scheduleId, 'delete', '删除')}
                          </td>`
                        : ''
                    }
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    ${
      canManage
        ? html`<h3>新建定时批次</h3>
            <form class="filters" method="post" action="/dashboard/schedules">
              ${csrfField(session)}
              <label>任务名 <input name="scheduleId" required pattern="[A-Za-z0-9_.\\-]{1,64}" /></label>
              <label>每天（北京时间） <input name="at" value="02:00" required pattern="[0-2][0-9]:[0-5][0-9]" /></label>
              <label>接收目录（intake-folders 下） <input name="folder" required pattern="[A-Za-z0-9_.\\-]{1,64}" /></label>
              <label
                >重叠策略
                <select name="overlap">
                  ${OVERLAP_POLICIES.map((o) => html`<option value="${o}">${OVERLAP_LABELS[o]}</option>`)}
                </select></label
              >
              <label class="check"><input type="checkbox" name="runOnHolidays" value="1" /> 节假日也运行</label>
              <label>备注 <input name="note" maxlength="200" /></label>
              <button type="submit">创建</button>
            </form>`
        : ''
    }
  </section>`;
}

function requireManager(ctx: AuthedContext): void {
  if (ctx.session.user.role !== 'manager') throw new HttpError(403, '只有经理可以管理定时批次');
}

/**
 * POST /dashboard/schedules and /dashboard/schedules/:id/(pause|unpause|trigger|delete); returns
 * false for any other path so the router goes on.
 */
export async function handleDashboardPost(ctx: AuthedContext, form: URLSearchParams): Promise<boolean> {
  const p = ctx.url.pathname;
  const client = ctx.deps.temporal;
  if (p === '/dashboard/schedules') {
    requireManager(ctx);
    const scheduleId = form.get('scheduleId') ?? '';
    const folder = form.get('folder') ?? '';
    if (!SCHEDULE_ID.test(scheduleId)) throw new HttpError(400, '任务名只能包含字母、数字和 . _ -');
    if (!FOLDER_NAME.test(folder)) throw new HttpError(400, '接收目录只能是 intake-folders 下的目录名');
    const dir = path.join(intakeFoldersRoot(ctx.deps.config), folder);
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new HttpError(400, `接收目录不存在：${folder}`);
    const overlap = form.get('overlap') ?? 'skip';
    if (!(OVERLAP_POLICIES as readonly string[]).includes(overlap)) throw new HttpError(400, '未知的重叠策略');
    await createBatchSchedule(client, {
      scheduleId,
      intakeFolder: dir,
      at: form.get('at') ?? '02:00',
      overlap: overlap as Overlap,
      runOnHolidays: form.get('runOnHolidays') === '1',
      retry: ctx.deps.config.retry,
      ...(form.get('note') ? { note: form.get('note')! } : {}),
    }).catch((err: unknown) => {
      throw new HttpError(409, `无法创建：${err instanceof Error ? err.message : String(err)}`);
    });
    ctx.deps.logger.info(`schedule ${scheduleId} created by ${ctx.session.user.username}`);
    ctx.session.flash = { kind: 'ok', text: `已创建定时批次 ${scheduleId}` };
    redirect(ctx.res, '/dashboard#schedules');
    return true;
  }
  const m = /^\/dashboard\/schedules\/([A-Za-z0-9_.-]{1,64})\/(pause|unpause|trigger|delete)$/.exec(p);
  if (!m) return false;
  requireManager(ctx);
  const [, id, action] = m as unknown as [string, string, string];
  const who = ctx.session.user.username;
  switch (action) {
    case 'pause': {
      const note = (form.get('note') ?? '').trim();
      if (!note) throw new HttpError(400, '暂停需要填写原因');
      await pauseBatchSchedule(client, id, `${note}（${who}）`);
      break;
    }
    case 'unpause':
      await unpauseBatchSchedule(client, id, `恢复（${who}）`);
      break;
    case 'trigger':
      await triggerBatchSchedule(client, id);
      break;
    default:
      await deleteBatchSchedule(client, id);
  }
  ctx.deps.logger.info(`schedule ${id}: ${action} by ${who}`);
  ctx.session.flash = {
    kind: 'ok',
    text: `定时批次 ${id}：已${{ pause: '暂停', unpause: '恢复', trigger: '触发', delete: '删除' }[action]}`,
  };
  redirect(ctx.res, '/dashboard#schedules');
  return true;
}
