import { BusinessFault, TechnicalFault } from '../errors';
import type { ScreenSession } from './screenSession';

/** 用户登录. */
export class LoginPage {
  constructor(private readonly session: ScreenSession) {}

  /** Opens the login screen. */
  async open(): Promise<void> {
    await this.session.open('/login');
    await this.session.expectScreen('login');
  }

  /** Types the account and clicks 登录; a refused login is not retried (it would lock the account). */
  async logIn(username: string, password: string): Promise<void> {
    const page = this.session.page;
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password);
    await this.session.follow(() => page.getByRole('button', { name: '登录' }).click());
    if ((await this.session.screen()) === 'login') {
      // Asked without waiting: a screen with no refusal on it would otherwise hold the bot a whole timeout.
      const error = page.locator('#errorMessage');
      const message = (await error.count()) > 0 ? ((await error.textContent()) ?? '').trim() : '';
      // Back on the login screen with its 会话已超时 notice and no refusal: the new session expired
      // before its first screen (the system's idle clock, not the account) — retryable, as any expiry.
      if (!message && new URL(page.url()).searchParams.get('timeout') === '1')
        throw new TechnicalFault('session-expired', '登录后会话随即超时');
      throw new BusinessFault('SYS-LOGIN-REJECTED', `核心系统拒绝登录：${message || '登录未成功'}`, false);
    }
    await this.session.expectScreen('home');
  }
}
