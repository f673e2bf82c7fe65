import { expect, test } from "./support";

test.describe("home page", () => {
  test("lists the demo election in English, with no JavaScript shipped", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    expect(response?.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    await expect(page).toHaveTitle(/CivicQ/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Upcoming elections");
    const harbor = page.getByRole("heading", { name: /Harbor County General Election \d{4}/ });
    await expect(harbor).toBeVisible();
    // other tests may add elections of their own: the demo election's card says its phase
    await expect(
      page.getByRole("listitem").filter({ has: harbor }).getByText("Questions open"),
    ).toBeVisible();
    expect(await page.locator("script").count()).toBe(0);
  });

  test("switches to Spanish with a plain link, and remembers it", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("link", { name: "Español" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Próximas elecciones");
    const harbor = page.getByRole("heading", {
      name: /Elección General del Condado de Harbor \d{4}/,
    });
    await expect(harbor).toBeVisible();
    await expect(
      page.getByRole("listitem").filter({ has: harbor }).getByText("Preguntas abiertas"),
    ).toBeVisible();

    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Próximas elecciones");
    await page.getByRole("link", { name: "English" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Upcoming elections");
  });

  test("answers a browser asking for Spanish in Spanish", async ({ browser }) => {
    const context = await browser.newContext({ locale: "es-MX", javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Próximas elecciones");
    await context.close();
  });
});

test.describe("errors", () => {
  test("an unknown address gets a helpful 404 page in the visitor's language", async ({ page }) => {
    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
    await expect(page).toHaveTitle("Page not found");
    await page.getByRole("link", { name: "Go to the home page" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Upcoming elections");

    await page.goto("/language/es?returnTo=/no/such/page");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Página no encontrada");
    await expect(page.getByRole("link", { name: "Ir a la página de inicio" })).toBeVisible();
  });

  test("the language switch never sends the visitor to another site", async ({ page }) => {
    await page.goto("/language/es?returnTo=//evil.example/");
    expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL!).host);
  });
});

test.describe("health", () => {
  test("readiness reports the database, Redis and migrations as ok", async ({ request }) => {
    const response = await request.get("/readyz");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({
      ready: true,
      checks: { database: "ok", migrations: "ok", redis: "ok" },
    });
    expect((await request.get("/healthz")).status()).toBe(200);
  });
});
