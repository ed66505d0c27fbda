// Browser test of the search page: headless Chromium (Debian's package) driven by playwright-core.
// Types a concern, waits for results, checks them and the crisis banner, saves screenshots.
//   node tests/browser/search_page.js BASE_URL SCREENSHOT_DIR
// With ATTUNE_CANARY_QUERY set (tests/privacy_canary.sh) it only types that query as a visitor
// would (suggestions as they type, then Enter), waits for the answer and checks the page kept it
// nowhere: not in the address bar, a cookie or local storage. SCREENSHOT_DIR is then unused.
"use strict";
const { chromium } = require("playwright-core");

async function main() {
  const [base, shots] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const failures = [];
  const check = (ok, what) => { if (!ok) failures.push(what); };
  try {
    const page = await browser.newPage();
    const foreign = [];
    page.on("request", (r) => { if (!r.url().startsWith(base)) foreign.push(r.url()); });

    await page.goto(base + "/");
    const box = page.getByRole("combobox", { name: "What would you like help with?" });
    const canary = process.env.ATTUNE_CANARY_QUERY;
    if (canary) {
      await box.click();
      await box.pressSequentially(canary, { delay: 20 });
      await page.waitForTimeout(400);  // lets the page's as-you-type suggestion request go out
      await box.press("Enter");
      await page.waitForSelector("#articles li, #clinicians li", { timeout: 10000 });
      const address = decodeURIComponent(page.url());
      check(canary.split(/\s+/).every((w) => w.length < 6 || !address.includes(w)), "the query is not put in the address bar: " + address);
      const state = await page.context().storageState();
      check(state.cookies.length === 0, "no cookie set");
      check(state.origins.every((o) => o.localStorage.length === 0), "nothing kept in local storage");
      check(foreign.length === 0, "no third-party requests: " + foreign.join(", "));
      return;
    }
    await box.click();
    await box.pressSequentially("I push people away when they get cl", { delay: 20 });
    await page.waitForSelector("#suggestions li", { timeout: 5000 }).catch(() => {});
    await box.fill("I push people away when they get close");
    await box.press("Enter");
    await page.waitForSelector("#articles li", { timeout: 10000 });
    const articles = await page.locator("#articles li").count();
    const clinicians = await page.locator("#clinicians li").count();
    check(articles > 0, "articles shown");
    check(clinicians > 0, "clinicians shown");
    const first = await page.locator("#articles li h3").first().innerText();
    check(/intimacy|attachment|relationship/i.test(first), "first article is about closeness: " + first);
    check(await page.locator("#articles mark").count() > 0, "snippets highlight matched words");
    check(await page.locator("#crisis").isHidden(), "no crisis banner for an ordinary concern");
    check(await page.locator("#facets fieldset").count() > 0, "facet filters shown");
    await page.locator("#articles li").first().getByRole("button", { name: "Clinicians who work with this" }).click();
    await page.locator("#articles li").first().getByRole("button", { name: "Related articles" }).click();
    await page.locator("#clinicians li").first().getByRole("button", { name: /^Articles by and for/ }).click();
    await page.waitForSelector("#articles li .related li a", { timeout: 5000 });
    await page.waitForSelector("#clinicians li .related li a", { timeout: 5000 });
    check(await page.locator("#articles li").first().locator(".related li a").count() >= 2, "clinicians and related articles listed under an article");
    check(await page.locator("#clinicians li").first().locator(".related li a").count() > 0, "a clinician's articles are listed");
    await page.screenshot({ path: shots + "/search-page.png", fullPage: true });

    // A facet filter narrows the clinicians.
    const spanish = page.getByLabel(/^spanish/i);
    if (await spanish.count()) {
      await spanish.first().check();
      // Polled from here: the page's CSP forbids the eval that waitForFunction needs.
      let allSpanish = false;
      for (let i = 0; i < 50 && !allSpanish; ++i) {
        const metas = await page.locator("#clinicians li .meta").allInnerTexts();
        allSpanish = metas.length > 0 && metas.every((m) => /Spanish/.test(m));
        if (!allSpanish) await page.waitForTimeout(100);
      }
      check(allSpanish, "the Spanish facet keeps only Spanish-speaking clinicians");
      await spanish.first().uncheck();
    }

    await box.fill("I want to end my life");
    await box.press("Enter");
    await page.waitForSelector("#crisis:not([hidden])", { timeout: 10000 });
    const banner = await page.locator("#crisis").innerText();
    check(/988/.test(banner), "crisis banner shows 988");
    const bannerBox = await page.locator("#crisis").boundingBox();
    const resultsBox = await page.locator(".layout").boundingBox();
    check(bannerBox && resultsBox && bannerBox.y < resultsBox.y, "crisis banner above the results");
    await page.screenshot({ path: shots + "/crisis-banner.png", fullPage: true });

    await box.fill("anxeity");
    await box.press("Enter");
    await page.waitForSelector("#did-you-mean:not([hidden])", { timeout: 10000 });
    check(/anxiety/.test(await page.locator("#did-you-mean").innerText()), "did you mean anxiety");
    check(foreign.length === 0, "no third-party requests: " + foreign.join(", "));
  } finally {
    await browser.close();
  }
  if (failures.length) {
    console.error("browser test failed:\n  " + failures.join("\n  "));
    process.exit(1);
  }
  console.log(process.env.ATTUNE_CANARY_QUERY ? "browser canary query typed and answered" : "browser test ok; screenshots in " + shots);
}

main().catch((e) => { console.error(e); process.exit(1); });
