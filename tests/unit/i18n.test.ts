import { describe, expect, it } from "vitest";
import { en, es } from "~/i18n/catalogues";
import { translate } from "~/lib/i18n";
import { safeReturnPath } from "~/lib/http.server";
import { localeFromRequest } from "~/lib/locale.server";

const request = (headers: Record<string, string>) => new Request("http://localhost/", { headers });

describe("message catalogues", () => {
  it("have every English message in Spanish too, none empty", () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(es)) expect(value.trim(), key).not.toBe("");
  });

  it("keep the same placeholders in both languages", () => {
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(es[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("fills placeholders", () => {
    expect(translate("es", "home.contestCount", { count: 9 })).toBe(
      "9 contiendas y medidas en la boleta",
    );
  });
});

describe("language choice", () => {
  it("prefers the chosen language cookie over the browser's languages", () => {
    expect(localeFromRequest(request({ Cookie: "a=1; lang=es", "Accept-Language": "en" }))).toBe(
      "es",
    );
  });

  it("falls back to the best supported Accept-Language, then English", () => {
    expect(
      localeFromRequest(request({ "Accept-Language": "fr;q=0.9, es-MX;q=0.8, en;q=0.1" })),
    ).toBe("es");
    expect(localeFromRequest(request({ "Accept-Language": "de" }))).toBe("en");
    expect(localeFromRequest(request({ Cookie: "lang=xx" }))).toBe("en");
  });

  it("never returns the visitor to another site after switching", () => {
    expect(safeReturnPath("/elections?page=2")).toBe("/elections?page=2");
    for (const hostile of ["//evil.example", "https://evil.example", "/\\evil.example", null, ""]) {
      expect(safeReturnPath(hostile)).toBe("/");
    }
  });
});
