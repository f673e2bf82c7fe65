import { describe, expect, it } from "vitest";
import { hashPassword, passwordProblem, verifyPassword } from "~/lib/password.server";

describe("password rules (NIST SP 800-63B rev. 4)", () => {
  it("asks 15 characters of a password-only account and 8 once MFA is on", () => {
    expect(passwordProblem("eight chr", false)).toBe("tooShortForSingleFactor");
    expect(passwordProblem("eight chr", true)).toBeNull();
    expect(passwordProblem("short", true)).toBe("tooShort");
    expect(passwordProblem("the river bends twice", false)).toBeNull();
  });

  it("allows spaces and any script, counting characters, not bytes", () => {
    expect(passwordProblem("日本語のパスワードです十五文字以上", false)).toBeNull();
    expect(passwordProblem("ñandú ñandú ñandú", false)).toBeNull();
    expect(passwordProblem("x".repeat(128), false)).toBeNull();
    expect(passwordProblem("x".repeat(129), false)).toBe("tooLong");
  });

  it("refuses passwords from the shipped list of common ones, whatever the case", () => {
    expect(passwordProblem("PasswordPassword", false)).toBe("common");
    expect(passwordProblem("1qaz2wsx3edc4rfv", false)).toBe("common");
    expect(passwordProblem("qwertyuiop", true)).toBe("common");
  });

  it("hashes with bcrypt and tells every character apart, past bcrypt's 72 bytes", async () => {
    const long = "ü".repeat(60); // 120 bytes in UTF-8
    const hash = await hashPassword(`${long}a`);
    expect(hash).toMatch(/^\$2[aby]\$12\$/);
    expect(await verifyPassword(`${long}a`, hash)).toBe(true);
    expect(await verifyPassword(`${long}b`, hash)).toBe(false);
  });
});
