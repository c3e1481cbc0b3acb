/**
 * SVG export (src/export/svg.ts), parsed back with a real XML parser so a broken document or an
 * unescaped string fails here rather than in someone's browser.
 *
 *  [SVG1] Every shape type becomes well-formed SVG with its geometry, style and rotation.
 *  [SVG2] User text is escaped: markup in a note or label stays text.
 *  [SVG3] The view box fits the content plus padding; the background is optional.
 */
import { describe, expect, it } from "vitest";
import { escapeXml, shapesToSvg, wrapText } from "../../src/export/svg";
import { SHAPE_TYPES, type Shape } from "../../src/shared/schema";
import { validShape } from "./support/fakes";

/** A minimal well-formedness check: tags balance and no raw `<` or `&` sits in text. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const between = svg.slice(last, m.index);
    expect(between, `raw markup in text before ${m[0]}`).not.toMatch(
      /[<>]|&(?!#\d+;|amp;|lt;|gt;)/,
    );
    last = tag.lastIndex;
    const [, close, name, attrs, selfClose] = m;
    expect(attrs, `attribute quoting in ${m[0]}`).not.toMatch(/="[^"]*"[^\s/]/);
    if (selfClose) continue;
    if (close) expect(stack.pop(), `closing ${name}`).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

describe("SVG export", () => {
  it("[SVG1] every type renders, with dash, opacity and rotation", () => {
    const shapes: Shape[] = SHAPE_TYPES.map((type, i) => ({
      ...validShape(type, `s${i}`),
      x: i * 150,
      rotation: type === "rect" ? 30 : 0,
      dash: type === "ellipse" ? ("dashed" as const) : undefined,
      opacity: type === "diamond" ? 0.5 : undefined,
    }));
    const svg = shapesToSvg(shapes);
    assertWellFormed(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const s of shapes) expect(svg).toContain(`data-id="${s.id}"`);
    expect(svg).toContain("<ellipse");
    expect(svg).toMatch(/<ellipse[^>]*stroke-dasharray="8 6"/);
    expect(svg).toContain("rotate(30)");
    expect(svg).toMatch(/data-id="s2"[^>]*opacity="0.5"/);
    expect(svg.match(/<polygon/g)?.length).toBeGreaterThanOrEqual(3); // diamond, triangle, arrowhead
    expect(svg).toContain(">hello</tspan>");
  });

  it("[SVG2] text, labels and names are escaped", () => {
    const evil = `</text><script>alert("x")</script> & 'q'`;
    const svg = shapesToSvg([
      { ...validShape("sticky", "a"), text: evil },
      { ...validShape("rect", "b"), label: evil },
      { ...validShape("frame", "c"), name: evil },
      { ...validShape("arrow", "d"), label: evil },
    ]);
    assertWellFormed(svg);
    expect(svg).not.toContain("<script");
    expect(svg).toContain(escapeXml("<script>"));
    expect(escapeXml(`<a href="x">&'`)).toBe("&#60;a href=&#34;x&#34;&#62;&#38;&#39;");
  });

  it("[SVG3] the view box is the content bounds plus padding; background optional", () => {
    const rect = { ...validShape("rect", "r"), x: 100, y: 50, width: 200, height: 100 };
    const svg = shapesToSvg([rect], { padding: 10 });
    expect(svg).toContain('viewBox="90 40 220 120"');
    expect(svg).toContain('width="220" height="120"');
    expect(svg).toMatch(/<rect x="90" y="40" width="220" height="120" fill="#ffffff"\/>/);
    expect(shapesToSvg([rect], { padding: 10, background: false })).not.toContain(
      'fill="#ffffff"/>',
    );
  });

  it("wraps words at the width and keeps explicit newlines", () => {
    const measure = (t: string) => t.length * 10;
    expect(wrapText("aa bb cc\ndd", 55, 20, measure)).toEqual(["aa bb", "cc", "dd"]);
  });
});
