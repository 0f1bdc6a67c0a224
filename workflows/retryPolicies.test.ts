import { describe, expect, it } from 'vitest';
import { botOptions, caseStepOptions, DEFAULT_RETRY, untilDone } from './retryPolicies';

describe('retry policies of the activities', () => {
  it('retry without an attempt limit, backing off to the configured interval', () => {
    expect(untilDone(2)).toEqual({
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: `${DEFAULT_RETRY.maximumIntervalSeconds} seconds`,
    });
    expect(botOptions({ maximumIntervalSeconds: 5 }).retry).not.toHaveProperty('maximumAttempts');
    expect(caseStepOptions({ maximumIntervalSeconds: 5 }).retry).toMatchObject({ maximumInterval: '5 seconds' });
  });

  it('never start above the maximum, which Temporal would refuse', () => {
    expect(untilDone(2, { maximumIntervalSeconds: 1 })).toMatchObject({ initialInterval: '1 seconds', maximumInterval: '1 seconds' });
  });
});
