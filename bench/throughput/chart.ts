/**
 * The benchmark's chart as a plain SVG, drawn here (no charting library, nothing fetched): cases
 * settled over time for the stack and the baseline, and where the CPU time of each run went
 * against what the machine's cores could give over its wall time.
 */

export interface Series {
  label: string;
  colour: string;
  /** Seconds from the run's start at which each case settled. */
  settledSeconds: number[];
}

export interface CpuBar {
  label: string;
  wallSeconds: number;
  /** CPU seconds per component, drawn bottom-up in this order. */
  parts: { label: string; seconds: number }[];
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#bcbd22', '#7f7f7f'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number) => (Number.isInteger(n) || n >= 10 ? n.toFixed(0) : n.toFixed(1));

function niceStep(max: number, ticks = 5): number {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? magnitude * 10;
}

export function benchChart(options: { title: string; series: Series[]; cpu: CpuBar[]; cores: number }): string {
  const W = 1120;
  const H = 420;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(options.title)}</text>`);

  // Left: cases settled over time.
  {
    const x0 = 60;
    const y0 = 370;
    const w = 480;
    const h = 310;
    const maxT = Math.max(1, ...options.series.flatMap((s) => s.settledSeconds));
    const maxN = Math.max(1, ...options.series.map((s) => s.settledSeconds.length));
    const sx = (t: number) => x0 + (t / maxT) * w;
    const sy = (n: number) => y0 - (n / maxN) * h;
    out.push(`<text x="${x0 + w / 2}" y="46" text-anchor="middle" font-weight="bold">cases settled over time</text>`);
    const tStep = niceStep(maxT);
    for (let t = 0; t <= maxT + 1e-9; t += tStep) {
      out.push(
        `<line x1="${sx(t)}" y1="${y0}" x2="${sx(t)}" y2="${y0 - h}" stroke="#eee"/><text x="${sx(t)}" y="${y0 + 16}" text-anchor="middle">${fmt(t)}</text>`,
      );
    }
    const nStep = niceStep(maxN);
    for (let n = 0; n <= maxN + 1e-9; n += nStep) {
      out.push(
        `<line x1="${x0}" y1="${sy(n)}" x2="${x0 + w}" y2="${sy(n)}" stroke="#eee"/><text x="${x0 - 6}" y="${sy(n) + 4}" text-anchor="end">${n}</text>`,
      );
    }
    out.push(
      `<line x1="${x0}" y1="${y0}" x2="${x0 + w}" y2="${y0}" stroke="black"/><line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 - h}" stroke="black"/>`,
    );
    out.push(`<text x="${x0 + w / 2}" y="${y0 + 34}" text-anchor="middle">seconds since the run started</text>`);
    options.series.forEach((s, i) => {
      const sorted = [...s.settledSeconds].sort((a, b) => a - b);
      const points = [`${sx(0)},${sy(0)}`, ...sorted.map((t, k) => `${sx(t).toFixed(1)},${sy(k + 1).toFixed(1)}`)];
      out.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${points.join(' ')}"/>`);
      const last = sorted.at(-1) ?? 0;
      out.push(
        `<rect x="${x0 + 12}" y="${y0 - h + 8 + i * 18}" width="12" height="3" fill="${s.colour}"/><text x="${x0 + 30}" y="${y0 - h + 13 + i * 18}">${esc(s.label)}: ${sorted.length} in ${fmt(last)} s</text>`,
      );
    });
  }

  // Right: CPU seconds by component, against cores × wall time.
  {
    const x0 = 640;
    const y0 = 370;
    const h = 310;
    const barW = 70;
    const gap = 60;
    const capacity = options.cpu.map((b) => b.wallSeconds * options.cores);
    const maxY = Math.max(1, ...capacity, ...options.cpu.map((b) => b.parts.reduce((a, p) => a + p.seconds, 0)));
    const sy = (v: number) => y0 - (v / maxY) * h;
    out.push(`<text x="${x0 + 100}" y="46" text-anchor="middle" font-weight="bold">CPU seconds by component</text>`);
    const step = niceStep(maxY);
    for (let v = 0; v <= maxY + 1e-9; v += step)
      out.push(
        `<line x1="${x0}" y1="${sy(v)}" x2="${x0 + 2 * (barW + gap)}" y2="${sy(v)}" stroke="#eee"/><text x="${x0 - 6}" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text>`,
      );
    const labels = [...new Set(options.cpu.flatMap((b) => b.parts.map((p) => p.label)))];
    options.cpu.forEach((bar, i) => {
      const x = x0 + 20 + i * (barW + gap);
      let acc = 0;
      for (const part of bar.parts) {
        const colour = PALETTE[labels.indexOf(part.label) % PALETTE.length]!;
        out.push(
          `<rect x="${x}" y="${sy(acc + part.seconds)}" width="${barW}" height="${Math.max(0, sy(acc) - sy(acc + part.seconds))}" fill="${colour}"><title>${esc(part.label)}: ${part.seconds.toFixed(1)} s</title></rect>`,
        );
        acc += part.seconds;
      }
      const cap = capacity[i]!;
      out.push(`<line x1="${x - 8}" y1="${sy(cap)}" x2="${x + barW + 8}" y2="${sy(cap)}" stroke="black" stroke-dasharray="4 3"/>`);
      out.push(`<text x="${x + barW / 2}" y="${y0 + 16}" text-anchor="middle">${esc(bar.label)}</text>`);
      out.push(`<text x="${x + barW / 2}" y="${y0 + 30}" text-anchor="middle" fill="#555">${fmt(bar.wallSeconds)} s wall</text>`);
    });
    out.push(`<line x1="${x0}" y1="${y0}" x2="${x0 + 2 * (barW + gap)}" y2="${y0}" stroke="black"/>`);
    labels.forEach((label, k) => {
      const y = 70 + k * 18;
      out.push(
        `<rect x="${x0 + 2 * (barW + gap) + 10}" y="${y - 9}" width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/><text x="${x0 + 2 * (barW + gap) + 24}" y="${y}">${esc(label)}</text>`,
      );
    });
    const y = 70 + labels.length * 18;
    out.push(
      `<line x1="${x0 + 2 * (barW + gap) + 10}" y1="${y - 4}" x2="${x0 + 2 * (barW + gap) + 20}" y2="${y - 4}" stroke="black" stroke-dasharray="4 3"/><text x="${x0 + 2 * (barW + gap) + 24}" y="${y}">${options.cores} cores × wall</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
