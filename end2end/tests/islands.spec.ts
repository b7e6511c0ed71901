// Islands: a page without an island ships no wasm; the call board and the
// call screen load the one small bundle and stay live.
import { expect, test, type Page } from "@playwright/test";
import { CARD_1, collectErrors, jsEnabled, signIn, waitForHydration } from "./helpers";

/** The wasm and JS glue files the page asks for from now on. */
function bundleRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/pkg/") && /\.(wasm|js)$/.test(url.pathname)) seen.push(url.pathname);
  });
  return seen;
}

test("the night card, the patient list and sign-in load no wasm", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "with JavaScript off no page loads wasm anyway");
  const errors = collectErrors(page);
  const bundle = bundleRequests(page);
  await signIn(page, testInfo, "nurse1", CARD_1);
  await expect(page.getByTestId("patient-name")).toHaveText("山田 花子");
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("患者一覧");
  await page.waitForLoadState("networkidle");
  expect(bundle).toEqual([]);
  await expect(page.locator("leptos-island")).toHaveCount(0);
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  expect(errors).toEqual([]);
});

test("the call board loads the islands bundle, hydrates and goes live", async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), "live updates need JavaScript");
  const errors = collectErrors(page);
  const bundle = bundleRequests(page);
  await signIn(page, testInfo, "coordinator", "/calls");
  await waitForHydration(page, testInfo);
  await expect(page.getByTestId("live")).toHaveAttribute("data-live", "true");
  expect(bundle.some((p) => p.endsWith(".wasm"))).toBe(true);
  expect(errors).toEqual([]);
});
