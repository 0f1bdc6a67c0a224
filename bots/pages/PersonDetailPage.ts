import type { BotSession } from '../session';
import {
  classOf,
  decode,
  isBlank,
  labelled,
  parseScreenDate,
  parseScreenInt,
  parseScreenMoney,
  parseScreenMonth,
  readGrid,
  readLabelledTable,
  type ScreenRead,
} from '../screenText';
import {
  DEEMED_WORDS,
  FROM_STATUS_WORDS,
  RECORD_STATUS_WORDS,
  RETIREMENT_KIND_WORDS,
  SCHEME_WORDS,
  SEX_WORDS,
  TO_STATUS_WORDS,
  TRANSFER_STATUS_WORDS,
  VISIT_KIND_WORDS,
  WORK_STATUS_WORDS,
} from '../screenVocabulary';

export interface BasicInfo {
  idNumber: string;
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  scheme: 'employee' | 'resident';
  retired: boolean;
  originalRetirementAge: 60 | 55 | 50 | null;
  retirement: { date: string; kind: 'normal' | 'illness' | 'special-occupation' } | null;
  locked: boolean;
}

export interface ContributionInfo {
  localActualMonths: number;
  transferredMonths: number;
  transferStatus: 'none' | 'completed' | 'pending';
  deemedMonths: number;
  deemedCertified: boolean;
  overlapMonths: number;
  arrearsMonths: number;
}

export interface CoverageInfo {
  coverage: { from: string; to: string | null }[];
  waitingUntil: string | null;
}

export interface TransferInfo {
  receivedDate: string;
  from: {
    region: string;
    scheme: 'employee' | 'resident';
    status: 'suspended' | 'active' | 'terminated';
    coverage: { from: string; to: string };
    actualMonths: number;
    accountBalance: string;
  };
  to: { scheme: 'employee' | 'resident'; status: 'active' | 'none'; coverageStart: string };
  accountFundsReceived: string | null;
  continuousMonthsBefore: number;
}

export interface FundPayment {
  year: number;
  kind: 'inpatient' | 'outpatient';
  amount: string;
}

const RETIREMENT_AGES = { '60周岁': 60, '55周岁': 55, '50周岁': 50 } as const;

/** 人员详细信息: the sections of one person's record (基本信息, 缴费信息, 参保信息, 转入信息表, 基金支付记录). */
export class PersonDetailPage {
  /** The screen read: the page's own document, or the one read by address (`openByIdNumber`). */
  constructor(
    private readonly session: BotSession,
    private readonly doc?: ScreenRead,
  ) {}

  /**
   * Reads the record of a 身份证号 at the address 人员查询's 查看 link leads to — one screen instead of
   * three (the search screen, its result, the detail) — without showing it (`BotSession.readScreen`:
   * the detail screen is server-rendered text); null when the system shows no such person.
   */
  static async openByIdNumber(session: BotSession, idNumber: string): Promise<PersonDetailPage | null> {
    const doc = await session.readScreen(`/person/detail?idNumber=${encodeURIComponent(idNumber)}`, 'person-detail');
    if ((await classOf(session.page, '#basicInfo', doc)) === null) return null;
    return new PersonDetailPage(session, doc);
  }

  /** Reads 基本信息. */
  async readBasicInfo(): Promise<BasicInfo> {
    const t = await readLabelledTable(this.session.page, '#basicInfo', this.doc);
    const retirementDate = labelled(t, '退休日期');
    const retirementKind = labelled(t, '退休类别');
    const age = labelled(t, '原法定退休年龄');
    return {
      idNumber: labelled(t, '身份证号'),
      name: labelled(t, '姓名'),
      sex: decode(SEX_WORDS, labelled(t, '性别'), '性别'),
      birthDate: parseScreenDate(labelled(t, '出生日期'), '出生日期'),
      scheme: decode(SCHEME_WORDS, labelled(t, '险种'), '险种'),
      retired: decode(WORK_STATUS_WORDS, labelled(t, '人员状态'), '人员状态'),
      originalRetirementAge: isBlank(age) ? null : decode(RETIREMENT_AGES, age, '原法定退休年龄'),
      retirement:
        retirementKind === '未办理退休'
          ? null
          : {
              date: parseScreenDate(retirementDate, '退休日期'),
              kind: decode(RETIREMENT_KIND_WORDS, retirementKind, '退休类别'),
            },
      locked: decode(RECORD_STATUS_WORDS, labelled(t, '记录状态'), '记录状态'),
    };
  }

  /** Reads 缴费信息; null when the section says the system holds no contribution record. */
  async readContributions(): Promise<ContributionInfo | null> {
    const page = this.session.page;
    const t = await readLabelledTable(page, '#contributionInfo', this.doc);
    // No labels: either the system's 无缴费年限记录 or a screen that changed (the labels below then fail).
    if (t.size === 0 && (await classOf(page, '#contributionInfo', this.doc)) === 'empty') return null;
    const months = (label: string) => parseScreenInt(labelled(t, label), label);
    return {
      localActualMonths: months('本地实际缴费月数'),
      transferredMonths: months('转入缴费月数'),
      transferStatus: decode(TRANSFER_STATUS_WORDS, labelled(t, '转移接续状态'), '转移接续状态'),
      deemedMonths: months('视同缴费月数'),
      deemedCertified: decode(DEEMED_WORDS, labelled(t, '视同缴费认定'), '视同缴费认定'),
      overlapMonths: months('重复缴费月数'),
      arrearsMonths: months('欠费月数'),
    };
  }

  /** Reads 参保信息: coverage periods in the order listed and the end of any waiting period. */
  async readCoverage(): Promise<CoverageInfo> {
    const page = this.session.page;
    const rows = await readGrid(page, '#coverageInfo', this.doc);
    const waiting = labelled(await readLabelledTable(page, '#waitingInfo', this.doc), '待遇等待期截至');
    return {
      coverage: rows.map(([, from = '', to = '']) => ({
        from: parseScreenMonth(from, '参保起始年月'),
        to: to === '至今' ? null : parseScreenMonth(to, '参保终止年月'),
      })),
      waitingUntil: isBlank(waiting) ? null : parseScreenDate(waiting, '待遇等待期截至'),
    };
  }

  /** Reads 转入信息表; null when no 参保人员基本医疗保险信息表 has been received. */
  async readTransferInfo(): Promise<TransferInfo | null> {
    const page = this.session.page;
    const t = await readLabelledTable(page, '#transferInfo', this.doc);
    if (t.size === 0 && (await classOf(page, '#transferInfo', this.doc)) === 'empty') return null;
    const funds = labelled(t, '账户资金到账金额');
    return {
      receivedDate: parseScreenDate(labelled(t, '信息表接收日期'), '信息表接收日期'),
      from: {
        region: labelled(t, '转出地行政区划'),
        scheme: decode(SCHEME_WORDS, labelled(t, '转出地险种'), '转出地险种'),
        status: decode(FROM_STATUS_WORDS, labelled(t, '转出地参保状态'), '转出地参保状态'),
        coverage: {
          from: parseScreenMonth(labelled(t, '转出地参保起始年月'), '转出地参保起始年月'),
          to: parseScreenMonth(labelled(t, '转出地参保终止年月'), '转出地参保终止年月'),
        },
        actualMonths: parseScreenInt(labelled(t, '转出地实际缴费月数'), '转出地实际缴费月数'),
        accountBalance: parseScreenMoney(labelled(t, '个人账户余额'), '个人账户余额'),
      },
      to: {
        scheme: decode(SCHEME_WORDS, labelled(t, '转入地险种'), '转入地险种'),
        status: decode(TO_STATUS_WORDS, labelled(t, '转入地参保状态'), '转入地参保状态'),
        coverageStart: parseScreenMonth(labelled(t, '转入地参保起始年月'), '转入地参保起始年月'),
      },
      accountFundsReceived: funds === '未到账' ? null : parseScreenMoney(funds, '账户资金到账金额'),
      continuousMonthsBefore: parseScreenInt(labelled(t, '转移前连续参保月数'), '转移前连续参保月数'),
    };
  }

  /** Reads 基金支付记录: the fund's payments by year and visit kind. */
  async readFundPayments(): Promise<FundPayment[]> {
    const rows = await readGrid(this.session.page, '#fundPaymentInfo', this.doc);
    return rows.map(([year = '', kind = '', amount = '']) => ({
      year: parseScreenInt(year, '年度'),
      kind: decode(VISIT_KIND_WORDS, kind, '就诊类别'),
      amount: parseScreenMoney(amount, '统筹基金支付金额'),
    }));
  }
}
