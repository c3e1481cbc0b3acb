/**
 * Board history storage (issue 12): what a month of checkpoints of a busy 1,000-shape board takes
 * in room storage. In process, no server: the room's own Checkpointer, CheckpointStore and
 * retention policy (party/history.ts) over MemoryStorage, on a simulated clock, so thirty days
 * run in seconds with every timer exact. Baseline, from the same run: keeping every checkpoint
 * the room took, without thinning or budget (what a naive history stores).
 */
import * as Y from "yjs";
import {
  type CheckpointEntry,
  Checkpointer,
  CheckpointStore,
  docSource,
} from "../../party/history";
import { MemoryStorage } from "../../party/storage";
import { CHECKPOINT_BUDGET_BYTES } from "../../src/shared/constants";
import { getShapes, readShapes, shapeToYMap } from "../../src/shared/doc";
import { seededRandom } from "../../test/helpers/prng";
import { makeShape } from "../../test/helpers/shapes";
import { FakeScheduler } from "../../test/unit/support/fakes";
import type { Row } from "../lib/results";
import type { Section } from "../lib/section";
import { fmt } from "../lib/table";

const SHAPES = 1_000;
const DAYS = 30;
const SEED = 12;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const MB = 1024 * 1024;
/** The working day, UTC: people come in at 09:00 and the last one leaves at 18:00. */
const OPEN_HOUR = 9;
const CLOSE_HOUR = 18;
const PEOPLE = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"];

export const THINNED = "thinned + budget (the room)";
export const NAIVE = "every checkpoint kept (naive)";

/** Counts every checkpoint the room takes, before thinning: the naive history's storage. */
class CountingStore extends CheckpointStore {
  readonly taken: number[] = [];
  override add(update: Uint8Array, info: Parameters<CheckpointStore["add"]>[1]) {
    this.taken.push(update.byteLength);
    return super.add(update, info);
  }
}

/** Bytes in storage under the checkpoint keys: chunks as stored, the index as JSON. */
function storedBytes(storage: MemoryStorage): number {
  let total = 0;
  for (const [key, value] of storage.data) {
    if (!key.startsWith("ckpt:")) continue;
    total += value instanceof Uint8Array ? value.byteLength : JSON.stringify(value).length;
  }
  return total;
}

async function simulate(): Promise<Row[]> {
  const random = seededRandom(SEED);
  const start = Date.UTC(2026, 0, 1);
  const scheduler = new FakeScheduler();
  scheduler.time = start;
  const doc = new Y.Doc({ gc: true });
  // Yjs picks random 32-bit client ids, and their varint length moves the sizes by a few per
  // cent: seeded ones make the run repeatable. Each day's edits come from new sessions.
  const newClientId = () => 2 ** 31 + random.int(2 ** 31);
  doc.clientID = newClientId();
  const shapes = getShapes(doc);
  let nextId = 0;
  const addShape = () => {
    const k = nextId++;
    const type = random.chance(0.2) ? "sticky" : random.pick(["rect", "ellipse", "arrow"] as const);
    const shape = makeShape({
      id: `s${k}`,
      type,
      x: random.int(4000),
      y: random.int(3000),
      z: `a${k.toString(36)}`,
    });
    shapes.set(shape.id, shapeToYMap(shape));
  };
  doc.transact(() => {
    for (let i = 0; i < SHAPES; i++) addShape();
  });
  const ids = () => [...shapes.keys()];

  const storage = new MemoryStorage();
  const store = new CountingStore(storage);
  let present: string[] = [];
  const checkpointer = new Checkpointer(
    docSource(doc, () => present),
    store,
    scheduler,
    (message) => console.warn(message),
  );
  const advance = async (ms: number) => {
    scheduler.advance(ms);
    await checkpointer.idle();
  };

  /** One edit as people make them: mostly moves, some text, shapes added and erased alike. */
  const edit = () => {
    const roll = random.next();
    const all = ids();
    const id = random.pick(all);
    const map = shapes.get(id)!;
    if (roll < 0.7) {
      doc.transact(() => {
        map.set("x", random.int(4000));
        map.set("y", random.int(3000));
      });
    } else if (roll < 0.85) {
      if (map.get("type") === "sticky") map.set("text", `note ${random.int(1e6)}`);
      else map.set("stroke", random.pick(["#1e1e1e", "#e03131", "#1971c2"]));
    } else if (roll < 0.925) {
      addShape();
    } else {
      shapes.delete(id);
    }
    checkpointer.changed();
  };

  let edits = 0;
  for (let day = 0; day < DAYS; day++) {
    const open = start + day * DAY + OPEN_HOUR * HOUR;
    const close = start + day * DAY + CLOSE_HOUR * HOUR;
    await advance(open - scheduler.now());
    doc.clientID = newClientId();
    present = PEOPLE.filter(() => random.chance(0.5));
    for (const name of present) checkpointer.saw(name);
    while (scheduler.now() < close) {
      // A burst: a few to a few dozen edits, seconds apart; one in ten runs on for half an hour.
      const long = random.chance(0.1);
      const burstEnd = scheduler.now() + (long ? 30 * MIN : (1 + random.int(5)) * MIN);
      while (scheduler.now() < Math.min(burstEnd, close)) {
        edit();
        edits++;
        await advance(2_000 + random.int(18_000));
      }
      // Then a pause: a minute to three quarters of an hour.
      await advance(MIN + random.int(45 * MIN));
    }
    present = [];
    checkpointer.lastLeft();
    await checkpointer.idle();
  }
  // To the end of the month's last day.
  await advance(start + DAYS * DAY - scheduler.now());

  const kept: CheckpointEntry[] = await store.list();
  const thinnedBytes = storedBytes(storage);
  const naiveBytes = store.taken.reduce((a, b) => a + b, 0);
  const common = {
    days: DAYS,
    shapes_at_end: readShapes(doc).length,
    edits,
    checkpoints_taken: store.taken.length,
    largest_checkpoint_kb: fmt(Math.max(...store.taken) / 1024),
  };
  return [
    {
      history: THINNED,
      ...common,
      checkpoints_kept: kept.length,
      stored_mb: fmt(thinnedBytes / MB, 2),
      budget_mb: fmt(CHECKPOINT_BUDGET_BYTES / MB, 0),
    },
    {
      history: NAIVE,
      ...common,
      checkpoints_kept: store.taken.length,
      stored_mb: fmt(naiveBytes / MB, 2),
      budget_mb: "-",
    },
  ];
}

export const historySection: Section = {
  name: "history",
  heading: "Board history: a month of checkpoints (issue 12)",
  run: simulate,
  render(rows, ctx) {
    return [
      "In process, no server: the room's Checkpointer, CheckpointStore and retention policy",
      "(party/history.ts) over in-memory storage with the Durable Object's value limits, on a",
      "simulated clock. The board starts with 1,000 shapes; every day from 09:00 to 18:00 UTC a",
      "few people edit it in bursts (mostly moves, some text, shapes added and erased alike), and",
      "the last one leaves at 18:00. Stored is every value under the checkpoint keys (chunks and",
      "index) at the end of day 30. Baseline, from the same run: keeping every checkpoint taken.",
      "",
      ctx.table("A month of checkpoints of a busy 1,000-shape board", rows),
    ].join("\n");
  },
  targets: [
    {
      issue: 12,
      what: "storage a month of checkpoints of a busy 1,000-shape board takes",
      row: { history: THINNED },
      field: "stored_mb",
      unit: "MB",
      bound: { op: "<=", value: CHECKPOINT_BUDGET_BYTES / MB },
      baseline: { label: "every checkpoint kept", row: { history: NAIVE }, field: "stored_mb" },
    },
  ],
};
