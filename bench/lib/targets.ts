/**
 * Targets as data: a bound and where its figure sits in results.json. Whether a target is met is
 * computed from the stored figure, never written by hand.
 */
import { type Cell, findRow, type Results, type Row } from "./results";

export interface Target {
  /** The issue that set the target. */
  issue: number;
  /** What is measured, in words: "join, 10,000 shapes: median". */
  what: string;
  /** The row of the section's results that holds the figure (every key must match). */
  row: Row;
  field: string;
  unit: string;
  /** Unset when no bound was agreed: the figure is shown as recorded. */
  bound?: { op: "<=" | ">="; value: number };
  /**
   * A figure from the same run to show beside it, e.g. the baseline's: "label: value unit", or
   * the cell as it stands when `label` is empty (cells that carry their own words).
   */
  baseline?: { label: string; row: Row; field: string };
}

export type Status = "met" | "missed" | "recorded" | "not measured";

export interface Evaluated {
  target: Target;
  /** `section[key=value,…].field`: where the figure is read from. */
  path: string;
  measured: Cell | undefined;
  baseline: Cell | undefined;
  status: Status;
  /** The date of the section's run, or null when unknown. */
  date: string | null;
}

export function targetPath(section: string, row: Row, field: string): string {
  const keys = Object.entries(row)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return `${section}[${keys}].${field}`;
}

/** A figure as a number, or NaN when the cell is empty or not numeric ("-", "n/a", ""). */
function numeric(cell: Cell | undefined): number {
  if (cell === undefined || cell === "") return Number.NaN;
  return typeof cell === "number" ? cell : Number(cell);
}

export function evaluate(section: string, target: Target, results: Results): Evaluated {
  const result = results.sections[section];
  const row = result && findRow(result.rows, target.row);
  const measured = row?.[target.field];
  const baseRow = result && target.baseline && findRow(result.rows, target.baseline.row);
  const baseline = target.baseline && baseRow ? baseRow[target.baseline.field] : undefined;
  const value = numeric(measured);
  let status: Status;
  if (!Number.isFinite(value)) status = "not measured";
  else if (!target.bound) status = "recorded";
  else if (target.bound.op === "<=") status = value <= target.bound.value ? "met" : "missed";
  else status = value >= target.bound.value ? "met" : "missed";
  return {
    target,
    path: targetPath(section, target.row, target.field),
    measured,
    baseline,
    status,
    date: result?.date ?? null,
  };
}

const OP_TEXT = { "<=": "≤", ">=": "≥" } as const;

export function boundText(target: Target): string {
  if (!target.bound) return "no bound (recorded)";
  return `${OP_TEXT[target.bound.op]} ${target.bound.value.toLocaleString("en-US")} ${target.unit}`.trimEnd();
}
