import { codeIn, expect, latestMail, linkIn, mailCount, test, uniqueEmail } from "./support";

const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase for civicq";

test.describe("accounts", () => {
  test("sign up, verify by email, sign out, reset the password, sign in", async ({ page }) => {
    const email = uniqueEmail("signup", test.info().project.name);

    await page.goto("/sign-up");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill("too short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Use at least 15 characters")).toBeVisible();
    await expect(page.getByLabel("Email address")).toHaveValue(email);

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

    const verification = await latestMail(email);
    expect(verification.subject).toBe("Confirm your CivicQ account");
    await page.goto(linkIn(verification));
    await expect(page.getByText("Your email address is confirmed")).toBeVisible();

    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(
      page.getByRole("navigation", { name: "Your account" }).getByRole("link", { name: email }),
    ).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(
      page.getByRole("navigation", { name: "Your account" }).getByRole("link", { name: "Sign in" }),
    ).toBeVisible();

    const before = await mailCount(email);
    await page.goto("/forgot-password");
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await expect(page.getByText("If an account uses that address")).toBeVisible();
    const reset = await latestMail(email, { after: before });
    expect(reset.subject).toBe("Reset your CivicQ password");
    await page.goto(linkIn(reset));
    await page.getByLabel("New password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect(page.getByText("Your password was changed")).toBeVisible();

    // the link is single-use
    await page.goto(linkIn(reset));
    await expect(page.getByText("This link has already been used or has expired")).toBeVisible();

    await page.goto("/sign-in");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("do not match an account");
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(
      page.getByRole("navigation", { name: "Your account" }).getByRole("link", { name: email }),
    ).toBeVisible();
  });

  test("a voter signs in with an emailed code instead of a password", async ({ page }) => {
    const email = uniqueEmail("code", test.info().project.name);
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Email me a sign-in code instead" }).click();
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Email me a code" }).click();
    await expect(page.getByText("a code is on its way")).toBeVisible();

    const mail = await latestMail(email);
    expect(mail.subject).toBe("Your CivicQ sign-in code");
    await page.getByLabel("Six-digit code").fill("000000" === codeIn(mail) ? "111111" : "000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("That code is wrong or has expired")).toBeVisible();

    await page.getByLabel("Six-digit code").fill(codeIn(mail));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(
      page.getByRole("navigation", { name: "Your account" }).getByRole("link", { name: email }),
    ).toBeVisible();
  });

  test("the reset form never tells whether an address has an account", async ({ page }) => {
    await page.goto("/forgot-password");
    await page.getByLabel("Email address").fill(uniqueEmail("nobody", test.info().project.name));
    await page.getByRole("button", { name: "Send the link" }).click();
    await expect(page.getByText("If an account uses that address")).toBeVisible();
  });

  test("forms speak Spanish, errors included", async ({ page }) => {
    await page.goto("/language/es?returnTo=/sign-up");
    await page.getByLabel("Correo electrónico").fill("no-es-un-correo");
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await expect(
      page.getByText("Escriba un correo electrónico como nombre@ejemplo.com."),
    ).toBeVisible();
  });
});

test.describe("web security", () => {
  test("responses carry the security headers", async ({ request }) => {
    const response = await request.get("/sign-in");
    const headers = response.headers();
    expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(headers["content-security-policy"]).not.toContain("unsafe-inline");
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"]).toContain("camera=()");
  });

  test("the 11th failed sign-in within a minute gets 429 with Retry-After", async ({ request }) => {
    const post = () =>
      request.post("/sign-in", {
        headers: { Origin: test.info().project.use.baseURL! },
        form: {
          email: "nobody-rate-limit@example.test",
          password: "not the right password at all",
        },
      });
    for (let attempt = 1; attempt <= 10; attempt++)
      expect((await post()).status(), `attempt ${attempt}`).toBe(200);
    const refused = await post();
    expect(refused.status()).toBe(429);
    expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many attempts");
  });

  test("a form posted from another site is refused", async ({ request }) => {
    const response = await request.post("/sign-in", {
      headers: { Origin: "https://evil.example" },
      form: { email: "voter@demo.civicq.test", password: "harbor county demo voter" },
    });
    expect(response.status()).toBe(403);
    expect(response.headers()["set-cookie"]).toBeUndefined();
  });
});
