import { BusinessFault } from '../errors';
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
      const message =
        (
          await page
            .locator('#errorMessage')
            .textContent()
            .catch(() => null)
        )?.trim() || '登录未成功';
      throw new BusinessFault('SYS-LOGIN-REJECTED', `核心系统拒绝登录：${message}`, false);
    }
    await this.session.expectScreen('home');
  }
}
