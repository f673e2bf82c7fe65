import { describe, expect, it } from "vitest";
import { contrastRatio, normaliseHex, resolveTheme } from "~/lib/contrast";

describe("contrast (WCAG 2.1)", () => {
  it("measures the ratios WCAG publishes", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#ffffff", "#ffffff")).toBeCloseTo(1, 5);
    // #767676 on white is the well-known lightest grey that passes AA
    expect(contrastRatio("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio("#777777", "#ffffff")).toBeLessThan(4.5);
  });

  it("reads only six-digit hex colours", () => {
    expect(normaliseHex("#1D4ED8")).toBe("#1d4ed8");
    expect(normaliseHex("1d4ed8")).toBe("#1d4ed8");
    for (const bad of ["red", "#fff", "#1d4ed8;}", "", null]) expect(normaliseHex(bad)).toBeNull();
  });

  it("keeps an embed's accent only where it is readable on its theme", () => {
    const theme = (query: string) => resolveTheme(new URLSearchParams(query));
    expect(theme("accent=7c2d12")).toMatchObject({ name: "light", accent: "#7c2d12" });
    expect(theme("accent=ffff00").accent).toBe("#1d4ed8");
    expect(theme("theme=dark&accent=fbbf24")).toMatchObject({ name: "dark", accent: "#fbbf24" });
    expect(theme("theme=dark&accent=1e3a8a").accent).toBe("#93c5fd");
    expect(theme("theme=neon").name).toBe("light");
  });
});
