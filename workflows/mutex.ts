/**
 * One at a time, in arrival order: the Update handlers of a case await activities, and without this
 * a second decision could pass its validator while the first is still being recorded. A promise
 * chain is deterministic in workflow code (the pattern of Temporal's safe-message-handlers sample).
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
