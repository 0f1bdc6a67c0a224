import { describe, expect, it } from 'vitest';
import { percentile, stepFigures, timelineOf } from './histories';
import { benchChart } from './chart';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

/** A case's history as the server returns it: event IDs, times, and one attributes field per event. */
function history() {
  return [
    { eventId: 1, eventTime: at(1_000), workflowExecutionStartedEventAttributes: {} },
    { eventId: 2, eventTime: at(1_000), workflowTaskScheduledEventAttributes: {} },
    { eventId: 3, eventTime: at(1_050), workflowTaskStartedEventAttributes: {} },
    { eventId: 4, eventTime: at(1_150), workflowTaskCompletedEventAttributes: { scheduledEventId: 2, startedEventId: 3 } },
    { eventId: 5, eventTime: at(1_150), activityTaskScheduledEventAttributes: { activityType: { name: 'readFacts' } } },
    { eventId: 6, eventTime: at(3_150), activityTaskStartedEventAttributes: { scheduledEventId: 5, attempt: 1 } },
    { eventId: 7, eventTime: at(5_150), activityTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 6 } },
    { eventId: 8, eventTime: at(5_200), activityTaskScheduledEventAttributes: { activityType: { name: 'enterResult' } } },
    { eventId: 9, eventTime: at(5_200), activityTaskStartedEventAttributes: { scheduledEventId: 8, attempt: 2 } },
    { eventId: 10, eventTime: at(8_200), activityTaskCompletedEventAttributes: { scheduledEventId: 8, startedEventId: 9 } },
    { eventId: 11, eventTime: at(8_300), signalExternalWorkflowExecutionInitiatedEventAttributes: {} },
    { eventId: 12, eventTime: at(8_400), workflowExecutionCompletedEventAttributes: {} },
  ];
}

describe('what the benchmark reads from a case history', () => {
  it('takes start, settlement, activity queue and run times, and workflow tasks', () => {
    const t = timelineOf('LS-2026-0001', history() as never);
    expect(t).toMatchObject({ startMs: 1_000, settledMs: 8_300, settleSignals: 1, completedMs: 8_400, failed: false, events: 12 });
    expect(t.activities).toEqual([
      { type: 'readFacts', scheduledMs: 1_150, startedMs: 3_150, closedMs: 5_150, attempt: 1, ok: true },
      { type: 'enterResult', scheduledMs: 5_200, startedMs: 5_200, closedMs: 8_200, attempt: 2, ok: true },
    ]);
    expect(t.workflowTasks).toEqual([{ queueMs: 50, runMs: 100 }]);
    expect(stepFigures([t]).readFacts).toMatchObject({ count: 1, meanQueueSeconds: 2, meanRunSeconds: 2, totalRunSeconds: 2 });
  });

  it('counts every settle signal, so a case that told its batch twice is caught', () => {
    const events = history();
    events.splice(10, 0, { eventId: 99, eventTime: at(8_250), signalExternalWorkflowExecutionInitiatedEventAttributes: {} });
    expect(timelineOf('LS-2026-0001', events as never)).toMatchObject({ settleSignals: 2, settledMs: 8_250 });
  });

  it('takes the close of a case that reported by closing (no settle signal) as its settlement, and counts events by type', () => {
    const events = history().filter((e) => !('signalExternalWorkflowExecutionInitiatedEventAttributes' in e));
    const t = timelineOf('LS-2026-0001', events as never);
    expect(t).toMatchObject({ settleSignals: 0, settledMs: 8_400, completedMs: 8_400, events: 11 });
    expect(t.eventTypes).toEqual({});
    const typed = events.map((e, i) => ({ ...e, eventType: i === 0 ? 1 : 5 }));
    expect(timelineOf('LS-2026-0001', typed as never).eventTypes).toEqual({ WORKFLOW_EXECUTION_STARTED: 1, WORKFLOW_TASK_SCHEDULED: 10 });
  });

  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([], 50)).toBeNaN();
  });

  it('draws the chart as an SVG of its own', () => {
    const svg = benchChart({
      title: 'a <test>',
      cores: 2,
      series: [{ label: 'stack', colour: '#000', settledSeconds: [1, 2, 3] }],
      cpu: [{ label: 'stack', wallSeconds: 3, parts: [{ label: 'Chromium', seconds: 4 }] }],
    });
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('a &lt;test&gt;');
    expect(svg).toContain('stack: 3 in 3 s');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});
