import { BusinessFault } from './errors';
import type { BotSession } from './session';
import { PersonDetailPage, type BasicInfo } from './pages/PersonDetailPage';

/**
 * The first steps of every reading: the person's record by 身份证号 (the detail screen's address,
 * where 人员查询's 查看 leads), the applicant's name checked against it.
 */
export async function openPersonRecord(
  session: BotSession,
  query: { idNumber: string; name: string },
): Promise<{ detail: PersonDetailPage; basic: BasicInfo }> {
  const detail = await PersonDetailPage.openByIdNumber(session, query.idNumber);
  const basic = detail && (await detail.readBasicInfo());
  if (!detail || !basic || basic.idNumber !== query.idNumber) {
    throw new BusinessFault('SYS-PERSON-NOT-FOUND', '核心系统中查无此人（按身份证号查询）');
  }
  if (basic.name !== query.name) {
    throw new BusinessFault('SYS-NAME-MISMATCH', `申请姓名 ${query.name} 与核心系统登记姓名 ${basic.name} 不符`);
  }
  return { detail, basic };
}

/** The identity block every facts reading starts with. */
export const identityOf = (b: BasicInfo) => ({ idNumber: b.idNumber, name: b.name, sex: b.sex, birthDate: b.birthDate });
