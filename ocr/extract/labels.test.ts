import { describe, expect, it } from 'vitest';
import { rowsFromLines } from '../testing';
import { extractReceipt } from './extractReceipt';
import { label, LABEL_SYNONYMS, type LabelledField } from './labels';

const read = (lines: string[]) => extractReceipt(rowsFromLines(lines), 'ppocr');

describe('labels from the vocabulary', () => {
  it('reads values after the other provinces’ wordings of the labels', () => {
    const reading = read([
      '票据代码 44060122  票号 0488888987',
      '患者姓名：欧阳晓明  收费日期：2024/03/15',
      '医院名称：珠海市妇幼保健院',
      '基金支付 10.00  个账 20.00  自付 93.45',
    ]);
    expect(reading).toMatchObject({
      number: '0488888987',
      payerName: '欧阳晓明',
      issueDate: '2024-03-15',
      hospitalName: '珠海市妇幼保健院',
      fundPaid: '10.00',
      accountPaid: '20.00',
      cashPaid: '93.45',
    });
  });

  it('takes 统筹基金 as the fund, and a longer label whole rather than a shorter one inside it', () => {
    expect(read(['统筹基金：12.00  个人账户支付：0.00']).fundPaid).toBe('12.00');
    expect(read(['个人现金支付 5.00  医保统筹基金支付 7.00']).fundPaid).toBe('7.00');
  });

  it('tolerates a misread character, a stray colon or semicolon, or none', () => {
    const reading = read([
      '个人帐户支付;30.00',
      '医保统筹基全支付 40.00',
      '个人现金支付::1.00',
      '交款人王芳',
      '收款单位：：长沙市第一人民医院',
    ]);
    expect(reading).toMatchObject({
      accountPaid: '30.00',
      fundPaid: '40.00',
      cashPaid: '1.00',
      payerName: '王芳',
      hospitalName: '长沙市第一人民医院',
    });
  });

  it('a name ends where the next label begins, however it is worded', () => {
    expect(read(['交款人张伟患者姓名']).payerName).toBe('张伟');
    expect(read(['医疗机构杭州市中医院开票日期2024-01-02']).hospitalName).toBe('杭州市中医院');
  });

  it('does not take a label for the name it announces (交款人 | 姓名 | 邱芳兰)', () => {
    expect(read(['交款人|姓名', '姓名|邱芳兰']).payerName).toBe('邱芳兰');
    expect(read(['交款人|姓名邱芳兰']).payerName).toBe('邱芳兰');
    expect(read(['交款人|姓名']).payerName).toBeNull();
  });

  it('reads a dash ending or inside a name as the one-stroke 一 it stands for', () => {
    expect(read(['交款人|付梅-|开票日期|2024-06-13']).payerName).toBe('付梅一');
    expect(read(['收款单位：长沙市第-人民医院']).hospitalName).toBe('长沙市第一人民医院');
  });

  it('never lets a loosened label read another field’s label', () => {
    const fields = Object.keys(LABEL_SYNONYMS) as LabelledField[];
    for (const field of fields) {
      const pattern = new RegExp(`^${label(field)}$`);
      for (const other of fields.filter((f) => f !== field)) {
        for (const word of LABEL_SYNONYMS[other]) {
          // Whole-word clashes only: 个人现金 is not 个人账户 even with a character misread.
          if (LABEL_SYNONYMS[field].includes(word)) continue;
          expect(pattern.test(word), `${field} reads ${other}'s ${word}`).toBe(false);
        }
      }
    }
  });
});
