import { BusinessFault } from './errors';
import type { BotSession } from './session';
import { PersonSearchPage } from './pages/PersonSearchPage';
import type { BasicInfo, PersonDetailPage } from './pages/PersonDetailPage';

/**
 * The first steps of every reading, as a clerk does them: 人员查询 by 身份证号, open the person,
 * check the applicant's name against the record.
 */
export async function openPersonRecord(
  session: BotSession,
  query: { idNumber: string; name: string },
): Promise<{ detail: PersonDetailPage; basic: BasicInfo }> {
  const search = new PersonSearchPage(session);
  await search.open();
  const rows = await search.searchByIdNumber(query.idNumber);
  if (!rows.some((r) => r.idNumber === query.idNumber)) {
    throw new BusinessFault('SYS-PERSON-NOT-FOUND', '核心系统中查无此人（按身份证号查询）');
  }
  const detail = await search.openPersonDetail(query.idNumber);
  const basic = await detail.readBasicInfo();
  if (basic.name !== query.name) {
    throw new BusinessFault('SYS-NAME-MISMATCH', `申请姓名 ${query.name} 与核心系统登记姓名 ${basic.name} 不符`);
  }
  return { detail, basic };
}

/** The identity block every facts reading starts with. */
export const identityOf = (b: BasicInfo) => ({ idNumber: b.idNumber, name: b.name, sex: b.sex, birthDate: b.birthDate });
