import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import proto from '@temporalio/proto';
import { newPayloadKeyLine, parsePayloadKeyRing } from '../security/payloadKeys';
import { dataConverterFor } from './dataConverter';

const FailureProto = proto.temporal.api.failure.v1.Failure;

describe('the data converter of clients and workers', () => {
  it('seals a failure message and stack, which can quote a row, and opens them again', async () => {
    // Loaded as the SDK loads it: the failure converter by its path, the codec as given.
    const converter = loadDataConverter(dataConverterFor(parsePayloadKeyRing(newPayloadKeyLine())));
    const error = ApplicationFailure.nonRetryable('核心系统无此人：张三 11010519491231002X', 'PersonNotFound', { row: '张三' });
    const failure = await encodeErrorToFailure(converter, error);
    expect(failure.message).toBe('Encoded failure');
    const bytes = Buffer.from(FailureProto.encode(failure).finish());
    for (const clear of ['张三', '11010519491231002X', '核心系统']) expect(bytes.includes(Buffer.from(clear)), clear).toBe(false);
    expect(bytes.includes(Buffer.from('binary/encrypted'))).toBe(true);
    const opened = (await decodeOptionalFailureToOptionalError(converter, failure)) as ApplicationFailure;
    expect(opened.message).toBe('核心系统无此人：张三 11010519491231002X');
    expect(opened.type).toBe('PersonNotFound');
    expect(opened.details).toEqual([{ row: '张三' }]);
  });
});
