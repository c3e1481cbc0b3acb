/**
 * Konva core plus only the node types we draw. `react-konva`'s default entry imports all of
 * Konva (filters, every shape); this keeps the initial bundle smaller.
 */
import "konva/lib/shapes/Arrow";
import "konva/lib/shapes/Ellipse";
import "konva/lib/shapes/Line";
import "konva/lib/shapes/Rect";
import "konva/lib/shapes/Text";
import "konva/lib/shapes/Transformer";

export {
  Arrow,
  Ellipse,
  Group,
  Layer,
  Line,
  Rect,
  Stage,
  Text,
  Transformer,
} from "react-konva/lib/ReactKonvaCore";
