import { describe, expect, it } from 'vitest';
import { extractReceipt, looksLikeReceipt } from './extract/extractReceipt';
import { rowsFromLines } from './testing';

const read = (lines: string[], confidence?: number) => extractReceipt(rowsFromLines(lines, confidence), 'ppocr');

describe('field extraction from the layouts of RECEIPTS.md', () => {
  it('reads an e-bill table with full-width colons and ¥', () => {
    const reading = read([
      '广东省医疗收费电子票据',
      '票据代码：44060122  票据号码：0488888987',
      '校验码：3fa09b  开票日期：2024-03-15',
      '交款人：欧阳晓明  交款人统一社会信用代码：440402198001011234',
      '项目名称  数量  金额（元）  备注',
      '西药费  1  1200.00',
      '检查费  1  34.56',
      '金额合计（大写）壹仟贰佰叁拾肆元伍角陆分  （小写）￥1234.56',
      '医保统筹基金支付：0.00  个人账户支付：234.56  个人现金支付：1000.00',
      '收款单位（章）：珠海市人民医院  复核人：张敏  收款人：李娜',
    ]);
    expect(reading).toMatchObject({
      code: '44060122',
      number: '0488888987',
      checkCode: '3fa09b',
      issueDate: '2024-03-15',
      payerName: '欧阳晓明',
      payerId: '440402********1234',
      hospitalName: '珠海市人民医院',
      total: '1234.56',
      totalInWords: '壹仟贰佰叁拾肆元伍角陆分',
      items: [
        { category: '西药费', amount: '1200.00' },
        { category: '检查费', amount: '34.56' },
      ],
      fundPaid: '0.00',
      accountPaid: '234.56',
      cashPaid: '1000.00',
    });
    expect(Math.min(...Object.values(reading.confidence))).toBeGreaterThanOrEqual(0.9);
  });

  it('reads paper receipts: labels without colons, NO for the number, 年月日, dotted rows, a masked ID', () => {
    const reading = read([
      '湖南省医疗收费票据',
      '票据代码 43010122  NO 0012345678',
      '交款人 王芳  开票日期 2023年07月05日',
      '身份证号 430102********002X  校验码 00aa11',
      '项目  金额',
      '床位费 ………………………… 80.00',
      '化验费 ··········· 25.50',
      '合计（大写）壹佰零伍元伍角  ¥105.50',
      '医保统筹基金支付 0.00  个人账户支付 0.00  个人现金支付 105.50',
      '收款单位 长沙市第一人民医院  收款人 刘洋',
    ]);
    expect(reading).toMatchObject({
      code: '43010122',
      number: '0012345678',
      issueDate: '2023-07-05',
      payerName: '王芳',
      payerId: '430102********002X',
      checkCode: '00aa11',
      hospitalName: '长沙市第一人民医院',
      total: '105.50',
      totalInWords: '壹佰零伍元伍角',
      items: [
        { category: '床位费', amount: '80.00' },
        { category: '化验费', amount: '25.50' },
      ],
    });
  });

  it('reads two items per row in printed order, half-width colons and labels in their own cells', () => {
    const reading = read([
      '浙江省医疗门诊收费票据',
      '票据代码:33012345  票据号码:1234567890',
      '交款人  李娜  开票日期  2022年1月9日',
      '项目名称  金额  项目名称  金额',
      '西药费  10.00  治疗费  20.00',
      '挂号费  5.00',
      '合计(大写)  叁拾伍元整  ¥35.00',
      '医保统筹基金支付  0.00  个人账户支付  5.00',
      '个人现金支付  30.00  医疗机构  杭州市中医院',
    ]);
    expect(reading.items).toEqual([
      { category: '西药费', amount: '10.00' },
      { category: '治疗费', amount: '20.00' },
      { category: '挂号费', amount: '5.00' },
    ]);
    expect(reading).toMatchObject({
      payerName: '李娜',
      issueDate: '2022-01-09',
      hospitalName: '杭州市中医院',
      total: '35.00',
      cashPaid: '30.00',
    });
  });

  it('repairs look-alike characters in 大写 and digits (参 → 叁, O → 0)', () => {
    const reading = read(['票据代码 44O60122', '合计（大写）参拾元整 （小写）¥30.00']);
    expect(reading.code).toBe('44060122');
    expect(reading.totalInWords).toBe('叁拾元整');
  });

  it('reads a Latin letter the recogniser gave an accent as the plain letter (校验码 é9cc86 → e9cc86)', () => {
    const reading = read(['票据代码 44522146  NO 1217676925', '身份证号 440404********1746  校验码é9cc86']);
    expect(reading.checkCode).toBe('e9cc86');
    expect(reading.payerId).toBe('440404********1746');
  });

  it('reads a masked ID whose stars the recogniser partly read as ★ or middle dots, but not one with a digit among the stars', () => {
    expect(read(['票据代码 44522146  NO 1217676925', '身份证号:440402***|★*******2096']).payerId).toBe('440402********2096');
    expect(read(['票据代码 44522146  NO 1217676925', '身份证号:440402***★**9*2096']).payerId).toBeNull();
    expect(read(['票据代码 44522146  NO 1217676925', '身份证号:330342***|·*·*8951']).payerId).toBe('330342********8951');
  });

  it('reads a masked ID whose stars a scan turned into letters and an unsure digit, never a 校验码 as its last four', () => {
    const rows = rowsFromLines(['票据代码 44522146  NO 1217676925', '身份证号  440305  XOOOK  90517  校验码  3a9127']);
    const idRow = rows[1]!;
    const strayNine = idRow.text.indexOf('90517');
    const unsure = { ...idRow, confidence: idRow.confidence.map((c, i) => (i === strayNine ? 0.33 : c)) };
    const reading = extractReceipt([rows[0]!, unsure], 'ppocr');
    expect(reading.payerId).toBe('440305********0517');
    expect(reading.confidence.payerId).toBeLessThanOrEqual(0.5);
    // The same digit read surely may begin the four shown: where the stars end is not known.
    expect(extractReceipt(rows, 'ppocr').payerId).toBeNull();
    expect(read(['票据代码 44522146  NO 1217676925', '身份证号:440402****0016  校验码:3a9127']).payerId).toBe('440402********0016');
  });

  it("takes an unsure seal word run onto a category's front for the seal's, not the name's", () => {
    const lines = [
      '票据代码 44522146  NO 1217676925',
      '项目',
      '化验费 282.94  人西药费 323.95',
      '合计（大写）陆佰零陆元捌角玖分  （小写）¥606.89',
    ];
    const rows = rowsFromLines(lines);
    const itemRow = rows[2]!;
    const stray = itemRow.text.indexOf('人');
    const unsure = { ...itemRow, confidence: itemRow.confidence.map((c, i) => (i === stray ? 0.55 : c)) };
    const reading = extractReceipt([rows[0]!, rows[1]!, unsure, rows[3]!], 'ppocr');
    expect(reading.items).toEqual([
      { category: '化验费', amount: '282.94' },
      { category: '西药费', amount: '323.95' },
    ]);
    expect(reading.confidence.items).toBeGreaterThanOrEqual(0.9);
    // Read surely, it is part of the name as printed: not a known category, so not trusted.
    expect(read(lines).items![1]!.category).toBe('人西药费');
  });

  it('leaves an unreadable field null with confidence 0', () => {
    const reading = read(['票据代码 44060122', '合计（小写）¥12.00']);
    expect(reading.payerName).toBeNull();
    expect(reading.confidence.payerName).toBe(0);
    expect(reading.items).toBeNull();
    expect(reading.confidence.items).toBe(0);
  });

  it('keeps a malformed code but never trusts it', () => {
    const reading = read(['票据代码 4406012', '合计（小写）¥12.00']);
    expect(reading.code).toBe('4406012');
    expect(reading.confidence.code).toBeLessThan(0.9);
  });

  it('tells a receipt from other text', () => {
    expect(looksLikeReceipt(rowsFromLines(['会议纪要', '参会人员：张三 李四']))).toBe(false);
    expect(looksLikeReceipt(rowsFromLines(['票据代码 44060122', '合计 ¥1.00']))).toBe(true);
  });
});

describe('cross-checks set the confidence of the fields they touch', () => {
  const base = ['票据代码 44060122  票据号码 0488888987', '项目名称  金额', '西药费  100.00', '检查费  23.45'];

  it('lowers total and totalInWords when 大写 and 小写 disagree and nothing else vouches', () => {
    const reading = read([...base.slice(0, 2), '合计（大写）壹佰贰拾叁元肆角伍分  （小写）¥128.45'], 0.97);
    expect(reading.confidence.total).toBeLessThanOrEqual(0.5);
    expect(reading.confidence.totalInWords).toBeLessThanOrEqual(0.5);
  });

  it('confirms the total and the items when Σ items and 大写 agree, even if the recogniser was unsure', () => {
    const reading = read([...base, '合计（大写）壹佰贰拾叁元肆角伍分  （小写）¥123.45'], 0.8);
    expect(reading.confidence.total).toBeGreaterThanOrEqual(0.99);
    expect(reading.confidence.totalInWords).toBeGreaterThanOrEqual(0.99);
    // The sum confirms amounts, not names: those keep the recogniser's 0.8.
    expect(reading.confidence.items).toBeCloseTo(0.8);
  });

  it('doubts the items when their sum is not the total, and the total stays confirmed by 大写', () => {
    const reading = read([...base.slice(0, 3), '检查费  32.45', '合计（大写）壹佰贰拾叁元肆角伍分  （小写）¥123.45']);
    expect(reading.confidence.items).toBeLessThanOrEqual(0.5);
    expect(reading.confidence.total).toBeGreaterThanOrEqual(0.99);
  });

  it('does not trust an items list no total adds up to: a lost row leaves a list that reads perfectly', () => {
    // No 合计 printed: the total is worked out from the items alone, which vouches for neither.
    const reading = read(base, 0.99);
    expect(reading.items).toHaveLength(2);
    expect(reading.confidence.total).toBeLessThan(0.9);
    expect(reading.confidence.items).toBeLessThan(0.9);
  });

  it('doubts the payment split when fund + account + cash ≠ total', () => {
    const reading = read([
      ...base,
      '合计（大写）壹佰贰拾叁元肆角伍分  （小写）¥123.45',
      '医保统筹基金支付 0.00  个人账户支付 20.00  个人现金支付 113.45',
    ]);
    expect(reading.confidence.fundPaid).toBeLessThanOrEqual(0.5);
    expect(reading.confidence.accountPaid).toBeLessThanOrEqual(0.5);
    expect(reading.confidence.cashPaid).toBeLessThanOrEqual(0.5);
    expect(reading.confidence.total).toBeGreaterThanOrEqual(0.99);
  });
});
