import { describe, expect, it } from 'vitest';
import { rowsFromLines } from '../testing';
import { extractReceipt } from './extractReceipt';
import { INFERRED, TRUSTED } from './infer';

const read = (lines: string[], confidence?: number) => extractReceipt(rowsFromLines(lines, confidence), 'ppocr');

const header = ['票据代码 44060122  票据号码 0488888987', '项目名称  金额', '西药费  100.00', '检查费  23.45'];
const words = '合计（大写）壹佰贰拾叁元肆角伍分';
const split = '医保统筹基金支付 20.00  个人账户支付 3.45  个人现金支付 100.00';

describe('fields inferred from the receipt’s arithmetic', () => {
  it('fills in the one unread payment part from total − the other two, below the trusted level', () => {
    const reading = read([...header, `${words}  （小写）¥123.45`, '医保统筹基金支付 20.00  个人账户支付 3.45']);
    expect(reading.cashPaid).toBe('100.00');
    expect(reading.inferred).toEqual(['cashPaid']);
    expect(reading.confidence.cashPaid).toBe(INFERRED);
    expect(reading.confidence.cashPaid).toBeLessThan(TRUSTED);
  });

  it('fills in an unread total that 大写 and Σ items agree on, trusted because two identities check exactly', () => {
    const reading = read([...header, words]);
    expect(reading.total).toBe('123.45');
    expect(reading.inferred).toEqual(['total']);
    expect(reading.confidence.total).toBeGreaterThanOrEqual(TRUSTED);
  });

  it('keeps a total from one identity below the trusted level', () => {
    const reading = read(['票据代码 44060122', words]);
    expect(reading.total).toBe('123.45');
    expect(reading.confidence.total).toBe(INFERRED);
  });

  it('infers nothing when the sources disagree or were read without confidence', () => {
    expect(read([...header, '合计（大写）壹佰贰拾捌元肆角伍分']).total).toBeNull();
    const unsure = read(['票据代码 44060122', words], 0.8);
    expect(unsure.total).toBeNull();
    expect(unsure.inferred).toBeUndefined();
  });

  it('writes an unread 大写 from a confirmed total', () => {
    const reading = read([...header, '合计（小写）¥123.45', split]);
    expect(reading.totalInWords).toBe('壹佰贰拾叁元肆角伍分');
    expect(reading.inferred).toEqual(['totalInWords']);
    expect(reading.confidence.totalInWords).toBeLessThan(TRUSTED);
  });

  it('never replaces a value that was read, even one the arithmetic contradicts', () => {
    const reading = read([...header, `${words}  （小写）¥123.45`, '医保统筹基金支付 20.00  个人账户支付 3.45  个人现金支付 90.00']);
    expect(reading.cashPaid).toBe('90.00');
    expect(reading.inferred).toBeUndefined();
  });

  it('leaves two unread payment parts unread: one identity cannot give two values', () => {
    const reading = read([...header, `${words}  （小写）¥123.45`, '医保统筹基金支付 20.00']);
    expect(reading.accountPaid).toBeNull();
    expect(reading.cashPaid).toBeNull();
  });
});
