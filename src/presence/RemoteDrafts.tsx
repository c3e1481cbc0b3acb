/**
 * Shapes other people are drawing right now, before they commit them. A group, not a layer: it
 * shares the layer of other people's selections (Konva suggests at most five layers).
 */
import { memo } from "react";
import { Group } from "../canvas/konva";
import { ShapeNode } from "../canvas/ShapeNode";
import type { Peer } from "./peers";

export const RemoteDrafts = memo(function RemoteDrafts({ peers }: { peers: readonly Peer[] }) {
  return (
    <Group listening={false} name="remote-drafts">
      {peers.map((peer) =>
        peer.draft ? (
          <ShapeNode key={peer.clientId} shape={peer.draft} editing={false} listening={false} />
        ) : null,
      )}
    </Group>
  );
});
