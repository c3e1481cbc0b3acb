/**
 * Other people's selections: a dashed outline in their colour around each shape they hold. A
 * group; Room puts it in one layer with other people's drafts.
 */
import { Fragment, memo } from "react";
import { Group, Rect } from "../canvas/konva";
import type { Shape } from "../shared/schema";
import { shapeBounds } from "../tools/geometry";
import type { Peer } from "./peers";

const PAD = 4;

export const RemoteSelections = memo(function RemoteSelections({
  peers,
  shapesById,
  zoom,
}: {
  peers: readonly Peer[];
  shapesById: ReadonlyMap<string, Shape>;
  zoom: number;
}) {
  return (
    <Group listening={false}>
      {peers.map((peer) => (
        <Fragment key={peer.clientId}>
          {peer.selection.map((id) => {
            const shape = shapesById.get(id);
            if (!shape) return null;
            const b = shapeBounds(shape);
            const pad = PAD / zoom;
            return (
              <Rect
                key={id}
                name="remote-selection"
                x={b.x - pad}
                y={b.y - pad}
                width={b.width + 2 * pad}
                height={b.height + 2 * pad}
                stroke={peer.color}
                strokeWidth={1.5 / zoom}
                dash={[6 / zoom, 4 / zoom]}
                perfectDrawEnabled={false}
                listening={false}
              />
            );
          })}
        </Fragment>
      ))}
    </Group>
  );
});
