/**
 * A bar chart drawn on the server as SVG: no JavaScript, scales with the page. Accessible: the
 * SVG is one image named by its <title> and described by its <desc>, and the same numbers
 * follow in a table (the table is the chart's text alternative for screen readers and for
 * anyone who wants the exact figures).
 */
import type { ReactNode } from "react";

/** `short` is the axis label of a column, when the full label is too long for it. */
export type Bar = { label: string; value: number; display?: string; short?: string };

const WIDTH = 640;
const BAR_GAP = 4;

export function BarChart({
  id,
  title,
  description,
  bars,
  orientation,
  max,
  labelHeader,
  valueHeader,
  empty,
}: {
  id: string;
  title: string;
  description: string;
  bars: Bar[];
  /** horizontal: one labelled row per bar (few, long labels); vertical: columns over time */
  orientation: "horizontal" | "vertical";
  /** the value a full-length bar stands for (100 for percentages); the largest value otherwise */
  max?: number;
  labelHeader: string;
  valueHeader: string;
  empty: string;
}) {
  const top = Math.max(max ?? 0, ...bars.map((bar) => bar.value), 1);
  const shown = (bar: Bar) => bar.display ?? String(bar.value);
  return (
    <figure aria-labelledby={`${id}-caption`} className="my-4">
      <figcaption id={`${id}-caption`} className="mb-2 font-semibold">
        {title}
      </figcaption>
      {bars.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <>
          {orientation === "horizontal" ? (
            <HorizontalBars
              id={id}
              title={title}
              description={description}
              bars={bars}
              top={top}
              shown={shown}
            />
          ) : (
            <VerticalBars
              id={id}
              title={title}
              description={description}
              bars={bars}
              top={top}
              shown={shown}
            />
          )}
          <div className="overflow-x-auto">
            <table className="mt-2 w-full text-left text-sm">
              <caption className="sr-only">{title}</caption>
              <thead>
                <tr className="border-b border-slate-300">
                  <th scope="col" className="py-1 pr-3">
                    {labelHeader}
                  </th>
                  <th scope="col" className="py-1">
                    {valueHeader}
                  </th>
                </tr>
              </thead>
              <tbody>
                {bars.map((bar) => (
                  <tr key={bar.label} className="border-b border-slate-200">
                    <th scope="row" className="py-1 pr-3 font-normal">
                      {bar.label}
                    </th>
                    <td className="py-1">{shown(bar)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </figure>
  );
}

type Drawing = {
  id: string;
  title: string;
  description: string;
  bars: Bar[];
  top: number;
  shown: (bar: Bar) => string;
};

function Frame({
  id,
  title,
  description,
  height,
  children,
}: Omit<Drawing, "bars" | "top" | "shown"> & {
  height: number;
  children: ReactNode;
}) {
  return (
    <svg
      role="img"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
      viewBox={`0 0 ${WIDTH} ${height}`}
      className="h-auto w-full max-w-full"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {children}
    </svg>
  );
}

const ROW = 28;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 60;

function HorizontalBars({ bars, top, shown, ...frame }: Drawing) {
  const room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  return (
    <Frame {...frame} height={bars.length * ROW}>
      {bars.map((bar, i) => {
        const y = i * ROW;
        const length = Math.max(0, (bar.value / top) * room);
        return (
          <g key={bar.label}>
            <text
              x={LABEL_WIDTH - 8}
              y={y + ROW / 2}
              textAnchor="end"
              dominantBaseline="middle"
              fontSize="13"
              fill="#0f172a"
            >
              {bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label}
            </text>
            <rect
              x={LABEL_WIDTH}
              y={y + BAR_GAP}
              width={length}
              height={ROW - 2 * BAR_GAP}
              fill="#1d4ed8"
            />
            <text
              x={LABEL_WIDTH + length + 6}
              y={y + ROW / 2}
              dominantBaseline="middle"
              fontSize="13"
              fill="#0f172a"
            >
              {shown(bar)}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}

const PLOT_HEIGHT = 200;
const AXIS = 24;

function VerticalBars({ bars, top, shown, ...frame }: Drawing) {
  const step = WIDTH / bars.length;
  // label every nth column so the axis never crowds, whatever the number of days
  const every = Math.ceil(bars.length / 8);
  return (
    <Frame {...frame} height={PLOT_HEIGHT + AXIS}>
      <line x1="0" y1={PLOT_HEIGHT} x2={WIDTH} y2={PLOT_HEIGHT} stroke="#64748b" />
      <text x="2" y="12" fontSize="12" fill="#334155">
        {top}
      </text>
      {bars.map((bar, i) => {
        const height = (bar.value / top) * (PLOT_HEIGHT - 16);
        return (
          <g key={bar.label}>
            <rect
              x={i * step + Math.min(BAR_GAP, step / 4)}
              y={PLOT_HEIGHT - height}
              width={Math.max(1, step - 2 * Math.min(BAR_GAP, step / 4))}
              height={height}
              fill="#1d4ed8"
            >
              <title>{`${bar.label}: ${shown(bar)}`}</title>
            </rect>
            {i % every === 0 ? (
              <text
                x={i * step + step / 2}
                y={PLOT_HEIGHT + 16}
                textAnchor="middle"
                fontSize="11"
                fill="#334155"
              >
                {bar.short ?? bar.label}
              </text>
            ) : null}
          </g>
        );
      })}
    </Frame>
  );
}
