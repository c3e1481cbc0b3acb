/**
 * Every timing and size constant of collaboration, in one place, with its unit and reason.
 * Shared by the room (party/) and the client (src/).
 */

// ---- Presence -------------------------------------------------------------------------------

/** ms. Cursor send throttle (leading + trailing): 20 Hz, between Excalidraw's 33 ms and Liveblocks' 100 ms. */
export const CURSOR_THROTTLE_MS = 50;
/** ms. The room sends each receiver at most one presence message per tick: ≤ 33 Hz, so ≤ 40 msg/s at any room size. */
export const PRESENCE_TICK_MS = 30;
/** ms. Without input for this long a user is shown as idle. */
export const IDLE_AFTER_MS = 60_000;
/** ms. A peer whose presence has not been refreshed for this long is dropped by receivers (y-protocols uses 30 s; we renew every 2 s). */
export const PRESENCE_RENEW_MS = 2_000;
/** ms. Receivers drop a remote presence that has been silent for this long ("gone within 5 s"). */
export const PRESENCE_TIMEOUT_MS = 4_500;
/**
 * Most other people's presence states one receiver holds (docs/scale.md): those whose cursor is
 * in its view, then the nearest to its view's centre. Past ~50 cursors a screen is noise, and the
 * bound keeps each frame and each client's work flat however big the room gets.
 */
export const PRESENCE_MAX_PEERS = 50;
/**
 * CSS px. View size assumed for every receiver when deciding which cursors are in its view:
 * presence carries the view's centre and zoom, not its size. A common laptop screen.
 */
export const PRESENCE_VIEW_WIDTH = 1440;
export const PRESENCE_VIEW_HEIGHT = 900;
/**
 * ms. Least time between two `presence-count` messages to one receiver: the "+K more" figure
 * need not be live, and the count must not add to the ≤ 40 frames/s a receiver gets.
 */
export const PRESENCE_COUNT_INTERVAL_MS = 1_000;

// ---- Persistence ----------------------------------------------------------------------------

/** ms. Quiet period after a change before the room writes its snapshot (Figma: 95% within 600 ms). */
export const SAVE_DEBOUNCE_MS = 100;
/** ms. Upper bound on how long a continuously changing room can go without a save (issue: ≤ 1 s). */
export const SAVE_MAX_WAIT_MS = 500;
/** bytes. Durable Object storage's cap on one value (128 KiB). */
export const STORAGE_MAX_VALUE_BYTES = 128 * 1024;
/** Durable Object storage's cap on keys in one put. */
export const STORAGE_MAX_KEYS_PER_PUT = 128;
/** bytes. Snapshot chunks stay safely below STORAGE_MAX_VALUE_BYTES. */
export const STORAGE_CHUNK_BYTES = 120 * 1024;

// ---- Liveness -------------------------------------------------------------------------------

/** ms. Client heartbeat ping interval (tldraw: 5 s). */
export const PING_INTERVAL_MS = 5_000;
/** ms. A connection that hears nothing for this long is declared dead and replaced. */
export const DEAD_AFTER_MS = 12_000;
/**
 * ms. How often the client checks for silence. Checking only at each ping would let a dead
 * connection go unnoticed for up to DEAD_AFTER_MS + PING_INTERVAL_MS (17 s); this bounds it at
 * DEAD_AFTER_MS + 1 s.
 */
export const HEARTBEAT_CHECK_MS = 1_000;
/**
 * ms. The room closes a connection it has heard nothing from for this long. Longer than a stock
 * y-websocket client's 15 s awareness renewal, so stock clients that never ping stay connected.
 */
export const SERVER_IDLE_TIMEOUT_MS = 45_000;
/** ms. How often the room looks for idle connections. */
export const SERVER_SWEEP_MS = 5_000;
/** ms. Reconnect backoff floor / ceiling while the tab is visible. */
export const RECONNECT_MIN_MS = 500;
export const RECONNECT_MAX_VISIBLE_MS = 10_000;
/** ms. Reconnect backoff ceiling while the tab is hidden: nobody is looking, spare the server. */
export const RECONNECT_MAX_HIDDEN_MS = 5 * 60_000;
/** ms. Least delay (and first jitter window) for "retry slowly" close codes (room full, rate limited). */
export const RECONNECT_SLOW_MIN_MS = 5_000;

// ---- Limits ---------------------------------------------------------------------------------

/**
 * Connections per room, viewers included: what one room serves with presence bounded per
 * receiver (bench/scale.ts, docs/scale.md). PartyKit's hosted platform itself refuses a room's
 * 101st socket unless it hibernates, which this room cannot (docs/scale.md): there, audiences
 * past 100 need relay rooms.
 */
export const MAX_CONNECTIONS_PER_ROOM = 1_000;
/**
 * Connections per room that may edit. Every editor's edits and 20 Hz cursor fan out to the whole
 * room; viewers (`?mode=view`) only receive, so they get the rest of the room's slots.
 */
export const MAX_EDITORS_PER_ROOM = 100;
/** bytes. PartyKit's cap on one WebSocket message. */
export const MAX_MESSAGE_BYTES = 1_000_000;
/** bytes. Encoded document cap: well under a deployed room's 128 MB memory (≈ 4.5 KB heap per shape). */
export const MAX_DOCUMENT_BYTES = 8_000_000;
/**
 * shapes. One creation of at least this many shapes (an import, a big paste, a generated board)
 * stores them compact, one plain value each (docs/schema.md): a fifth of a Y.Map's heap, so a
 * 50,000-shape board fits a room (issue 13). Shapes drawn by hand, and small pastes, stay Y.Maps
 * so every property merges on its own (C1) from the start.
 */
export const COMPACT_BATCH_MIN = 200;
/** bytes. One client's presence state, JSON-encoded. */
export const MAX_PRESENCE_BYTES = 2_048;
/** Message-rate budget per connection: a token bucket of this many messages… */
export const RATE_BUCKET_SIZE = 400;
/** …refilled at this many messages per second (a 20 Hz cursor plus edits uses a small fraction). */
export const RATE_REFILL_PER_S = 200;
/**
 * How many times the room asks one connection to resend what it lacks. A well-behaved client
 * needs one (an edit sent before its step 2, after the room lost content it had seen); a client
 * whose own data is incomplete would answer with the same gap forever.
 */
export const MAX_RESYNCS_PER_CONNECTION = 3;
/** Shape ids named in one INVALID_SHAPE error: enough to find them, bounded so the error stays small. */
export const MAX_REPORTED_SHAPE_IDS = 50;
/** bytes. Size of each piece of a frame over the message cap (src/shared/chunks.ts): half the cap. */
export const CHUNK_BYTES = 512 * 1024;
/** bytes. Largest frame the room reassembles from pieces: a whole document at its cap, plus 1 KiB of framing. */
export const MAX_ASSEMBLED_BYTES = MAX_DOCUMENT_BYTES + 1024;
/** Most pieces in one frame. */
export const MAX_CHUNKS = Math.ceil(MAX_ASSEMBLED_BYTES / CHUNK_BYTES);
/** bytes. Pieces a room holds at once across all its connections (rooms run in 128 MB): two largest frames. */
export const MAX_ROOM_ASSEMBLY_BYTES = 2 * MAX_ASSEMBLED_BYTES;
/** Most entries one awareness message may carry (a real client sends 1). */
export const MAX_ENTRIES_PER_MESSAGE = 16;
/** Deepest nesting of JSON-like values (Yjs ContentAny) an update may hold: deeper is hostile, and recursion has a stack. */
export const MAX_UPDATE_ANY_DEPTH = 32;
/** Frames a viewer may send before its upstream room socket opens (normally 2–3: step 1, presence); more is a flood. */
export const MAX_VIEWER_PENDING_FRAMES = 100;
/** Longest shape id and room id, in characters. */
export const MAX_SHAPE_ID_LENGTH = 64;
export const MAX_ROOM_ID_LENGTH = 128;
/** Longest text in a text shape or sticky note, in characters. */
export const MAX_TEXT_LENGTH = 20_000;
/** Most coordinates in one line/arrow/pen shape's `points` (pairs × 2). */
export const MAX_POINTS = 20_000;
/** Largest absolute coordinate; beyond this a value is clamped (keeps the canvas math finite). */
export const MAX_COORDINATE = 1e7;

// ---- Image assets (docs/protocol.md "Assets", docs/limits.md) ------------------------------

/**
 * bytes. Largest image the room stores, after the client's downscale: a 4096 px photo at good
 * JPEG quality is 1–3 MB, so 4 MiB leaves room for PNG screenshots, and one asset still fits a
 * single atomic storage put (35 chunks of STORAGE_CHUNK_BYTES, under STORAGE_MAX_KEYS_PER_PUT).
 */
export const MAX_ASSET_BYTES = 4 * 1024 * 1024;
/**
 * bytes. Image bytes one room may store in all: 16 images at the cap, hundreds of ordinary ones.
 * A deployed room's storage has no practical cap, but a room id is the only credential needed to
 * upload, so an unbounded room would be free storage for anyone who has a link.
 */
export const MAX_ROOM_ASSET_BYTES = 64 * 1024 * 1024;
/** s. Assets are named by their hash, so a URL's bytes never change: cache for a year (the usual maximum). */
export const ASSET_CACHE_MAX_AGE_S = 31_536_000;
/**
 * ms. An asset no shape names is kept this long after its upload before the room may delete it:
 * a client that was offline uploads its images as it reconnects, and the shapes naming them may
 * arrive after the bytes.
 */
export const ASSET_GRACE_MS = 24 * 60 * 60_000;
/** ms. The room looks for unused assets after a checkpoint at most this often. */
export const ASSET_COLLECT_INTERVAL_MS = 60 * 60_000;

// ---- Room log -------------------------------------------------------------------------------

/** Lines the room logs per LOG_WINDOW_MS at most: a client sending garbage at full speed must not make logging the bottleneck. */
export const LOG_BURST = 10;
/** ms. The window LOG_BURST counts over. */
export const LOG_WINDOW_MS = 10_000;

// ---- HTTP fallback transport (docs/transport.md) --------------------------------------------

/** Consecutive WebSocket attempts that never opened, with plain HTTP working, before falling back. */
export const FALLBACK_AFTER_FAILURES = 2;
/** ms. While on the fallback, how often a real WebSocket is probed (upgrade back when one opens). */
export const WEBSOCKET_PROBE_MS = 60_000;
/** ms. SSE comment line interval: proxies close streams that stay silent for ~30–60 s. */
export const SSE_KEEPALIVE_MS = 15_000;
/** ms. A long poll is answered empty after this long (under common 30 s proxy timeouts). */
export const LONG_POLL_HOLD_MS = 20_000;
/** ms. A long-polling connection that has not polled for this long is gone. */
export const LONG_POLL_IDLE_MS = 30_000;
/** bytes. One POST batch: one largest frame plus its framing (varuint length, kind byte). */
export const MAX_BATCH_BYTES = MAX_MESSAGE_BYTES + 16;
/** bytes. Frames queued for a long poller that stopped polling: beyond this it is closed. */
export const MAX_POLL_QUEUE_BYTES = 8_000_000;
/** bytes. How much of an oversized POST body is read (and dropped) so the client reads a 413, not a reset. */
export const DRAIN_LIMIT_BYTES = 8 * MAX_BATCH_BYTES;
/** bytes. A fallback connection's token, its capability: 128 random bits. */
export const HTTP_TOKEN_BYTES = 16;
/** bytes. Browsers refuse `keepalive` fetches with bodies over 64 KiB; larger POSTs go without it. */
export const KEEPALIVE_BODY_LIMIT = 60_000;

// ---- Commands (src/actions) -----------------------------------------------------------------

/** canvas units. An arrow key moves the selection this far: one unit for fine placement… */
export const NUDGE_STEP = 1;
/** …and this far with Shift, for moving a noticeable distance in few presses (as Excalidraw). */
export const NUDGE_STEP_BIG = 10;
/**
 * ms. Ctrl/Cmd+V waits this long for the browser's paste event (which carries the system
 * clipboard) before pasting the internal clipboard instead: the event follows the key within
 * a few ms, and 80 ms still feels instant.
 */
export const PASTE_FALLBACK_MS = 80;
/** ms. How long a notice from the room (a repaired shape, a refused write) stays on screen. */
export const NOTICE_MS = 4_000;
/**
 * ms. How often an open History panel asks the room for its checkpoint list: a checkpoint comes
 * at most every CHECKPOINT_QUIET_MS (30 s) of quiet, so a few seconds' lag is invisible, and a
 * closed panel asks nothing.
 */
export const HISTORY_POLL_MS = 5_000;
/** Most lines of "your edits that did not stick" the away notice lists before "and N more". */
export const AWAY_MAX_LOST_LINES = 5;

// ---- Canvas input (client only) --------------------------------------------------------------

/** px. Wheel deltas at or above this are mouse-wheel notches (zoom a step), not trackpad streams. */
export const WHEEL_NOTCH_PX = 50;
/** px. One wheel "line" (deltaMode 1, Firefox) as pixels. */
export const WHEEL_LINE_PX = 16;
/**
 * Screen px around the pointer whose shapes are drawn into the hit graph for one hit test:
 * Konva walks a few pixels outward from an antialiased edge pixel to the nearest shape.
 */
export const HIT_SLOP_PX = 16;
/** Screen px between eraser hit tests along a fast swipe, so no thin shape is jumped over. */
export const ERASE_STEP_PX = 4;
/** Screen px. Pen samples closer than this to the last one add nothing (simplified on pointer up). */
export const PEN_MIN_STEP_PX = 1;

// ---- Diagramming (client only) --------------------------------------------------------------

/** Screen px. A line or arrow end dropped this close to a shape's outline binds to it (tldraw: ~8). */
export const BIND_DISTANCE_PX = 10;

// ---- Export (client only) -------------------------------------------------------------------

/** Canvas units. Margin around exported content (PNG and SVG), so strokes at the edge are not cut. */
export const EXPORT_PADDING = 24;
/** px. Largest exported image side: browsers refuse canvases much beyond this. */
export const MAX_EXPORT_SIDE_PX = 8192;
/** Image px per canvas unit in a PNG export: sharp on high-density screens, at 4× the pixels. */
export const EXPORT_PIXEL_RATIO = 2;

// ---- Snapping (client only; docs/architecture.md "Snapping") ---------------------------------

/** Screen px. A moving edge or centre this close to another shape's edge or centre snaps to it (tldraw: 8 / zoom, Excalidraw: 8). */
export const SNAP_DISTANCE_PX = 6;
/** Most shapes a gesture snaps to, the ones nearest the viewport's centre: bounds the setup a gesture does once, on its first move, on a 10,000-shape board zoomed out (a few ms). */
export const SNAP_MAX_CANDIDATES = 1_000;
/** canvas units. Grid spacing: the grid drawn behind the canvas and the step grid snapping rounds to (Excalidraw: 20). */
export const GRID_SIZE = 20;
/** degrees. Rotation with the selection frame snaps to multiples of this (Alt frees it). */
export const ROTATION_SNAP_DEG = 15;
/** degrees. How close to a multiple of ROTATION_SNAP_DEG the rotation must be to snap (Konva's default is 5). */
export const ROTATION_SNAP_TOLERANCE_DEG = 5;
/** degrees. Shift while drawing a line or arrow keeps its angle a multiple of this. */
export const LINE_ANGLE_STEP_DEG = 45;

// ---- Live collaboration aids (client only) ---------------------------------------------------

/** ms. A laser trail shows where the pointer was for this long (Excalidraw's laser: about 1 s). */
export const LASER_TRAIL_MS = 1_000;
/** ms. A remote trail fades out over this long once its owner stops sending (lets go, leaves). */
export const LASER_FADE_MS = 1_000;
/**
 * Numbers (x, y pairs) in one laser presence payload: 64 points (a second of a 60 Hz mouse) at
 * up to ~10 bytes a number far from the origin is ~1.3 KB of JSON, leaving room under
 * MAX_PRESENCE_BYTES for name, cursor, viewport, a small selection and a summon.
 */
export const LASER_MAX_NUMBERS = 128;
/** ms. A summon older than this when it arrives is ignored (a late joiner is not yanked about). */
export const SUMMON_MAX_AGE_MS = 5_000;
/**
 * ms. A summoned camera glides to the summoner's view (ease-out) instead of jumping, so people
 * see where they were taken; about Excalidraw's and tldraw's camera animations.
 */
export const SUMMON_GLIDE_MS = 400;

// ---- Board history (party/history.ts, docs/limits.md) ---------------------------------------

/** ms. A burst of edits ends after this long without a change; the room then takes a checkpoint. */
export const CHECKPOINT_QUIET_MS = 30_000;
/** ms. A board edited without pause still gets a checkpoint this often, so a long session is not one step. */
export const CHECKPOINT_MAX_INTERVAL_MS = 10 * 60_000;
/** ms. Every checkpoint younger than this is kept: the recent past at full detail, where most restores go. */
export const CHECKPOINT_KEEP_ALL_MS = 60 * 60_000;
/** ms. Up to this age one checkpoint per clock hour (UTC) is kept, the newest of that hour. */
export const CHECKPOINT_HOURLY_MS = 48 * 60 * 60_000;
/** ms. Up to this age one checkpoint per day (UTC) is kept; older ones are dropped. */
export const CHECKPOINT_DAILY_MS = 30 * 24 * 60 * 60_000;
/**
 * bytes. Most bytes all of a room's checkpoints may take; past it the oldest go. Four times the
 * largest document (MAX_DOCUMENT_BYTES), and half the asset quota: history must not crowd out the board.
 */
export const CHECKPOINT_BUDGET_BYTES = 32 * 1024 * 1024;
/**
 * bytes. Most the checkpoint index (one storage value) may take, counted as two bytes per
 * character of its JSON (an upper bound on its stored size); past it the oldest checkpoints go.
 * Under STORAGE_MAX_VALUE_BYTES with room to spare: ≈ 250 entries of a few names each, more than
 * the policy keeps (an hour of 30 s bursts, 47 hours, 28 days).
 */
export const CHECKPOINT_INDEX_MAX_BYTES = 112 * 1024;
/** Most names one checkpoint records as present: keeps the index small however big the room. */
export const CHECKPOINT_MAX_PRESENT = 16;
/** characters. A longer name is cut to this in a checkpoint's `present` list. */
export const CHECKPOINT_MAX_NAME_CHARS = 48;

// ---- Images on the client (docs/limits.md "Images") --------------------------------------------------------

/** Characters. An image's `alt` text: a caption, not a document. */
export const MAX_ALT_LENGTH = 200;
/** px. The client downscales a picture whose longest edge is longer (a 4K screen's half-width is ~1900). */
export const IMAGE_MAX_EDGE_PX = 2048;
/** 0–1. Quality of the client's WebP/JPEG re-encode: photos stay sharp at a fifth of the bytes. */
export const IMAGE_ENCODE_QUALITY = 0.85;
/** 0–1. A new image is scaled to fit within this share of the viewport's width and height. */
export const IMAGE_FIT_VIEWPORT = 0.5;
/**
 * ms. First retry of an image that failed to load or upload, doubling up to the ceiling below.
 * Short: a peer's new image usually arrives while its upload is still in flight, so the first
 * miss is followed by the bytes a few hundred ms later (bench/images.ts: 1 s here cost 1 s).
 */
export const IMAGE_RETRY_MIN_MS = 250;
/** ms. Retry ceiling: an image uploaded by someone else shows within this long of arriving. */
export const IMAGE_RETRY_MAX_MS = 8_000;
/**
 * ms. This device drops its copy of a picture it has not shown, added or uploaded for this long
 * (the room keeps the bytes; docs/limits.md "Images"). Copies still queued for upload stay.
 */
export const IMAGE_CACHE_MAX_AGE_MS = 30 * 24 * 60 * 60_000;
/** bytes. Above this, the least recently used copies go first (queued ones stay). */
export const IMAGE_CACHE_MAX_BYTES = 256 * 1024 * 1024;
/** ms after a room opens before the device's copies are pruned, in idle time. */
export const IMAGE_CACHE_PRUNE_DELAY_MS = 5_000;
