/**
 * Resolves at the first SIGINT, SIGTERM or SIGHUP. The listeners stay: a terminal's Ctrl-C reaches
 * npm, tsx and this process at once and they forward it again, so more signals follow the first one;
 * without a listener, the next one would end the process in the middle of stopping.
 */
export function untilStopSignal(onRepeat: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | null = null;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (first) return onRepeat(signal);
        first = signal;
        resolve(signal);
      });
    }
  });
}
