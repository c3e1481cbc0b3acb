/**
 * Every benchmark section, in the order BENCHMARKS.md shows them. A new section is one module
 * exporting a `Section` (run, render, targets; see bench/lib/section.ts) and one line here.
 */
import type { Section } from "../lib/section";
import { bindingsSection } from "./bindings";
import { bundleSection } from "./bundle";
import { historySection } from "./history";
import { imagesSection } from "./images";
import { joinSection } from "./join";
import { memorySection } from "./memory";
import { presenceSection } from "./presence";
import { propagationSection } from "./propagation";
import { renderSection } from "./render";
import { representationSection } from "./representation";
import { resilienceSection } from "./resilience";
import { scaleSection } from "./scale";
import { sizeSection } from "./size";
import { transportSection } from "./transport";

export const SECTIONS: readonly Section[] = [
  presenceSection,
  sizeSection,
  joinSection,
  propagationSection,
  memorySection,
  representationSection,
  bundleSection,
  renderSection,
  bindingsSection,
  transportSection,
  resilienceSection,
  scaleSection,
  historySection,
  imagesSection,
];
